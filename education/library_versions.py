"""Library versions and the one each clinic's patients read.

Publishing library lessons records a new ``LibraryVersion``: which version of
every published library lesson patients read from then on. A clinic follows the
latest library version unless its admin pins one; its patients then read the
lesson text of the pinned version (from the lessons' immutable
``LessonVersion`` rows), and a library lesson first published after it stays
out of their pathway, until the admin moves the clinic on. Each step writes an
audit event: ``education.library.published`` and ``education.library.chosen``.

A library version that corrects a fact is marked as a correction
(``education.library.correction``): every clinic then reads at least that
version, a clinic pinned to an older one included, and no clinic may pin an
older one. A pinned version keeps a clinic's wording stable; it never keeps a
wrong fact in front of its patients.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Clinic
from audit.services import audit_record

from .models import (
    ClinicLibrary,
    Lesson,
    LibraryCorrection,
    LibraryVersion,
    PublishStatus,
    library_version_floor,
)
from .recompute import readiness_recompute_after_commit
from .services.errors import EducationError

SYSTEM_CURRICULUM = "system (curriculum file)"


def library_lessons_published() -> dict[str, int]:
    """{"<lesson id>": version} of every published library lesson now."""
    return {
        str(pk): version
        for pk, version in Lesson.objects.filter(
            status=PublishStatus.PUBLISHED, module__clinic__isnull=True
        ).values_list("pk", "version")
    }


def library_version_latest() -> LibraryVersion | None:
    return LibraryVersion.objects.order_by("-number").first()


@transaction.atomic
def library_version_record(*, actor=None, change_note: str = "", request=None):
    """Record the published library lessons as a new library version, unless
    they are what the latest version already holds. Returns the new version,
    or None when nothing changed. Without an actor the approver is the shipped
    curriculum file."""
    lessons = library_lessons_published()
    # Serialised: two publications at once must not take the same number.
    latest = LibraryVersion.objects.select_for_update().order_by("-number").first()
    if latest is not None and latest.lessons == lessons:
        return None
    approver = actor if getattr(actor, "is_authenticated", False) else None
    number = (LibraryVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    version = LibraryVersion.objects.create(
        number=number,
        lessons=lessons,
        change_note=change_note[:300],
        approved_by=approver,
        approver_name=str(approver) if approver else SYSTEM_CURRICULUM,
        published_at=timezone.now(),
    )
    audit_record(
        action="education.library.published",
        actor=approver,
        request=request,
        detail={"model": "education.libraryversion", "id": version.pk, "version": number},
    )
    return version


@transaction.atomic
def library_version_mark_correction(
    *, version: LibraryVersion, note: str, actor=None, request=None
) -> LibraryCorrection:
    """Mark ``version`` as correcting a fact: clinics pinned to an older
    version read it from now on. Without an actor it is the shipped
    curriculum file that says so (``load_curriculum --correction``)."""
    existing = LibraryCorrection.objects.filter(version=version).first()
    if existing is not None:
        return existing
    marker = actor if getattr(actor, "is_authenticated", False) else None
    correction = LibraryCorrection.objects.create(
        version=version,
        note=(note or version.change_note or _("Corrects a fact."))[:300],
        marked_by=marker,
        marked_by_name=str(marker) if marker else SYSTEM_CURRICULUM,
    )
    audit_record(
        action="education.library.correction",
        actor=marker,
        request=request,
        detail={"model": "education.libraryversion", "id": version.pk, "version": version.number},
    )
    # Clinics pinned to an older version now read this one.
    readiness_recompute_after_commit(clinic_id=None)
    return correction


def clinic_library_choice(*, clinic_id: int) -> ClinicLibrary:
    """A clinic's choice, made (following the latest) when it has none yet:
    what its admin's page edits."""
    choice, _created = ClinicLibrary.objects.get_or_create(clinic_id=clinic_id)
    return choice


@transaction.atomic
def clinic_library_choose(
    *, clinic: Clinic, version: LibraryVersion | None, actor, request=None
) -> ClinicLibrary:
    """Pin ``clinic`` to a library version, or make it follow the latest
    (``version=None``). Its patients' pages change at once (saving the choice
    moves the content revision)."""
    if version is not None and version.pk is None:
        raise EducationError(_("Choose a published library version."))
    floor = library_version_floor()
    if version is not None and floor is not None and version.number < floor.number:
        raise EducationError(
            _(
                "Library version %(number)s corrects a fact, so no clinic may read an older "
                "version. Choose version %(number)s or a newer one."
            )
            % {"number": floor.number}
        )
    choice, _created = ClinicLibrary.objects.select_for_update().get_or_create(clinic=clinic)
    if not _created and choice.version_id == (version.pk if version else None):
        return choice
    choice.version = version
    choice.chosen_by = actor if getattr(actor, "is_authenticated", False) else None
    choice.save()
    audit_record(
        action="education.library.chosen",
        actor=actor,
        clinic=clinic,
        request=request,
        detail={
            "model": "education.cliniclibrary",
            "id": choice.pk,
            "version": version.number if version else "latest",
        },
    )
    readiness_recompute_after_commit(clinic_id=clinic.pk)
    return choice


def library_version_changes(older: LibraryVersion | None, newer: LibraryVersion) -> list[dict]:
    """What patients of a clinic moving from ``older`` to ``newer`` would see
    change, lesson by lesson: added, updated (from/to version) or removed."""
    before = older.lessons if older else {}
    after = newer.lessons
    ids = sorted({*before, *after}, key=int)
    titles = dict(Lesson.objects.filter(pk__in=[int(i) for i in ids]).values_list("pk", "title"))
    changes = []
    for lesson_id in ids:
        old, new = before.get(lesson_id), after.get(lesson_id)
        if old == new:
            continue
        kind = "added" if old is None else "removed" if new is None else "updated"
        changes.append(
            {
                "lesson_id": int(lesson_id),
                "title": titles.get(int(lesson_id), ""),
                "kind": kind,
                "from_version": old,
                "to_version": new,
            }
        )
    return changes
