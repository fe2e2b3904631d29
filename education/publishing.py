"""Drafts, review and publishing of lessons.

Editing a published lesson never changes what patients read: the edit is a
``LessonDraft``. A library editor submits it; a *different* library editor
approves and publishes it, which copies it into the lesson in one transaction
with a new version number and an immutable ``LessonVersion``. Publishing is
refused while the draft breaks a content rule. Each step writes an audit event
(``education.content.draft_saved``, ``.submitted``, ``.withdrawn``,
``.approved``, ``.published``).
"""

from __future__ import annotations

import difflib

from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from audit.models import AuditEvent

from . import governance, visuals
from .library_versions import SYSTEM_CURRICULUM, library_version_record
from .models import Lesson, LessonDraft, LessonSource, LessonVersion, PublishStatus
from .readability import MAX_GRADE, UNKNOWNS_HEADING, heading_ids, measure
from .services.errors import EducationError

# The lesson fields a draft carries (what a patient sees).
DRAFT_FIELDS = ("title", "evidence_label", "therapy", "key_points", "body")


def lesson_sources_text(lesson: Lesson) -> str:
    return "\n".join(f"{s.title} | {s.url}" for s in lesson.sources.all())


def lesson_open_draft(lesson: Lesson) -> LessonDraft | None:
    return lesson.drafts.filter(state__in=LessonDraft.OPEN_STATES).first()


def lesson_as_draft(lesson: Lesson) -> LessonDraft:
    """An unsaved draft holding what patients read now."""
    return LessonDraft(
        lesson=lesson,
        **{name: getattr(lesson, name) for name in DRAFT_FIELDS},
        sources=lesson_sources_text(lesson),
    )


def content_rule_problems(content) -> list[str]:
    """What stops a lesson (or a draft) from being published, one message a
    rule: reading grade, evidence label, sources, the "What we don't know
    yet" section of a therapy lesson, and every picture or table in the body
    can be drawn."""
    problems = []
    grade, _longest, _words = measure(content.body, content.key_points)
    if grade > MAX_GRADE:
        problems.append(
            _("Reading grade %(grade)s is above %(max)s: use shorter words and sentences.")
            % {"grade": grade, "max": MAX_GRADE}
        )
    if not content.evidence_label:
        problems.append(_("Choose an evidence label."))
    if isinstance(content, Lesson):
        has_sources = content.sources.exists()
    else:
        has_sources = any(url for _title, url in content.source_rows)
    if not has_sources:
        problems.append(_("Add at least one source."))
    if content.therapy_id and UNKNOWNS_HEADING not in heading_ids(content.body):
        problems.append(_("A lesson about a therapy needs a “What we don't know yet” section."))
    # A diagram, icon array or option grid that cannot be drawn (education/visuals.py).
    problems.extend(visuals.problems(content.body))
    return problems


def _audit(action: str, *, lesson: Lesson, actor, request, **extra) -> None:
    governance.content_audit(action=action, obj=lesson, actor=actor, request=request, **extra)


@transaction.atomic
def lesson_draft_save(
    *, lesson: Lesson, values: dict, sources: str, change_note: str, actor, request=None
) -> LessonDraft | None:
    """Save an edit of a published lesson as its open draft (made when
    needed). Saving a submitted draft sends it back to draft. Returns None when
    there is no open draft and nothing differs from the published lesson."""
    draft = lesson_open_draft(lesson)
    if draft is None:
        current = lesson_as_draft(lesson)
        for name, value in values.items():
            setattr(current, name, value)
        current.sources = sources
        if current.content_fields() == lesson_as_draft(lesson).content_fields():
            return None
        draft = current
    else:
        before = (draft.content_fields(), draft.change_note)
        for name, value in values.items():
            setattr(draft, name, value)
        draft.sources = sources
        if (draft.content_fields(), draft.change_note) == (before[0], change_note):
            return draft
    for name, value in values.items():
        setattr(draft, name, value)
    draft.sources = sources
    draft.change_note = change_note
    draft.edited_by = actor
    draft.state = LessonDraft.State.DRAFT
    draft.submitted_at = None
    draft.save()
    _audit("draft_saved", lesson=lesson, actor=actor, request=request, draft=draft.pk)
    return draft


def draft_submitted_mark(draft) -> None:
    """A draft (of a lesson or of other content) goes for review."""
    if draft.state != draft.State.DRAFT:
        raise EducationError(_("Only a draft can be submitted for review."))
    draft.state = draft.State.SUBMITTED
    draft.submitted_at = timezone.now()
    draft.save(update_fields=["state", "submitted_at", "edited_at"])


def draft_withdrawn_mark(draft) -> None:
    """An open draft is dropped; patients keep what they see."""
    if not draft.is_open:
        raise EducationError(_("Only an open draft can be withdrawn."))
    draft.state = draft.State.WITHDRAWN
    draft.save(update_fields=["state", "edited_at"])


@transaction.atomic
def lesson_draft_submit(*, draft: LessonDraft, actor, request=None) -> None:
    draft_submitted_mark(draft)
    _audit("submitted", lesson=draft.lesson, actor=actor, request=request, draft=draft.pk)


@transaction.atomic
def lesson_draft_withdraw(*, draft: LessonDraft, actor, request=None) -> None:
    draft_withdrawn_mark(draft)
    _audit("withdrawn", lesson=draft.lesson, actor=actor, request=request, draft=draft.pk)


def _sources_replace(lesson: Lesson, rows: list[list[str]]) -> None:
    """The lesson's sources become ``rows``; a source keeps its editor note
    while its address stays."""
    notes = {s.url: s.editor_note for s in lesson.sources.all()}
    lesson.sources.all().delete()
    LessonSource.objects.bulk_create(
        LessonSource(lesson=lesson, order=i, title=title, url=url, editor_note=notes.get(url, ""))
        for i, (title, url) in enumerate(rows)
    )


def _approval_check(draft: LessonDraft, actor) -> None:
    if draft.lesson.module.clinic_id is not None:
        if not governance.may_publish(actor, draft.lesson):
            raise EducationError(_("Only this clinic's admin may publish its own lessons."))
        if not draft.is_open:
            raise EducationError(_("Only an open draft can be published."))
        return
    if not governance.may_edit_library(actor):
        raise EducationError(_("Only a library editor may approve library content."))
    if draft.state != LessonDraft.State.SUBMITTED:
        raise EducationError(_("Submit the draft for review before it is published."))
    if draft.edited_by_id == actor.pk:
        raise EducationError(
            _("A different library editor must approve this draft: you edited it last.")
        )


@transaction.atomic
def lesson_draft_publish(*, draft: LessonDraft, actor, request=None) -> LessonVersion:
    """Approve a submitted draft and publish it as the lesson's next version.
    Library content needs two people: the approver is a library editor other
    than the draft's last editor. A clinic's own lesson is published by that
    clinic's admin alone, from a draft or a submitted draft."""
    draft = (
        LessonDraft.objects.select_for_update().select_related("lesson__module").get(pk=draft.pk)
    )
    _approval_check(draft, actor)
    problems = content_rule_problems(draft)
    if problems:
        raise EducationError(
            _("Not published: %(problems)s") % {"problems": " ".join(problems)},
            errors={"rules": " ".join(problems)},
        )
    lesson = Lesson.objects.select_for_update().get(pk=draft.lesson_id)
    _audit("approved", lesson=lesson, actor=actor, request=request, draft=draft.pk)
    for name in DRAFT_FIELDS:
        setattr(lesson, name, getattr(draft, name))
    _sources_replace(lesson, draft.source_rows)
    version = lesson_publish(
        lesson=lesson,
        actor=actor,
        request=request,
        change_note=draft.change_note,
        edited_by=draft.edited_by,
    )
    draft.state = LessonDraft.State.PUBLISHED
    draft.published_version = lesson.version
    draft.save(update_fields=["state", "published_version", "edited_at"])
    return version


@transaction.atomic
def lesson_publish(
    *,
    lesson: Lesson,
    actor=None,
    request=None,
    change_note: str = "",
    edited_by=None,
    record_library: bool = True,
) -> LessonVersion | None:
    """The one place a lesson's published text changes: a new version number
    and a ``LessonVersion`` when what patients see changed (None otherwise).
    Without an actor the approver is the shipped curriculum file. A library
    lesson's new version also makes a new library version, unless the caller
    records one for a batch (``record_library=False``, as ``load_curriculum``)."""
    new_hash = lesson.compute_content_hash()
    version = None
    if new_hash != lesson.content_hash or lesson.version == 0:
        lesson.version += 1
        lesson.content_hash = new_hash
        lesson.published_at = timezone.now()
    lesson.status = PublishStatus.PUBLISHED
    lesson.save()
    if not LessonVersion.objects.filter(lesson=lesson, version=lesson.version).exists():
        approver = actor if getattr(actor, "is_authenticated", False) else None
        version = LessonVersion.objects.create(
            lesson=lesson,
            version=lesson.version,
            **{name: getattr(lesson, name) for name in DRAFT_FIELDS},
            sources=lesson_sources_text(lesson),
            content_hash=new_hash,
            change_note=change_note,
            edited_by=edited_by,
            approved_by=approver,
            approver_name=str(approver) if approver else SYSTEM_CURRICULUM,
            published_at=lesson.published_at,
        )
    _audit("published", lesson=lesson, actor=actor, request=request)
    if version is not None and record_library and lesson.module.clinic_id is None:
        library_version_record(actor=actor, change_note=change_note, request=request)
    return version


def lesson_last_editor_id(lesson: Lesson) -> int | None:
    """Who last saved a never-published lesson in the admin (audit log)."""
    event = (
        AuditEvent.objects.filter(
            action="education.content.saved",
            detail__model="education.lesson",
            detail__id=lesson.pk,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    return event.actor_id if event else None


def text_diff_html(old: str, new: str, *, old_name: str, new_name: str):
    """A line diff as escaped HTML: removed lines in <del>, added in <ins>."""
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), fromfile=old_name, tofile=new_name, lineterm=""
    )
    rows = []
    for line in lines:
        if line.startswith(("---", "+++")):
            tag = "strong"
        elif line.startswith("+"):
            tag = "ins"
        elif line.startswith("-"):
            tag = "del"
        else:
            tag = "span"
        rows.append((tag, line, tag))
    if not rows:
        return format_html("<p>{}</p>", _("No change."))
    return format_html(
        '<pre class="content-diff">{}</pre>', format_html_join("\n", "<{}>{}</{}>", rows)
    )


def content_text(content) -> str:
    """The patient-visible fields of a lesson, draft or version as one text
    to compare."""
    therapy = content.therapy.name if content.therapy_id else "—"
    sources = lesson_sources_text(content) if isinstance(content, Lesson) else content.sources
    parts = [
        f"# {content.title}",
        f"[{content.get_evidence_label_display() or '—'}] [{therapy}]",
        "",
        content.key_points,
        "",
        content.body,
        "",
        sources,
    ]
    return "\n".join(parts)


def content_diff_html(old, new, *, old_name: str, new_name: str):
    return text_diff_html(
        content_text(old), content_text(new), old_name=old_name, new_name=new_name
    )
