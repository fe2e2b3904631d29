"""Content governance: who may change the shared library, what may never be
deleted, and retiring content instead. Each write runs in one transaction and
records an audit event.

The library (pathways, modules, lessons, quizzes, checklists, glossary,
therapies) is shared by every clinic, so only library editors and superusers
change it; clinic admins do not. Content a patient has read or answered, and
content that was ever published, is never deleted: it is retired.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from accounts.models import Clinic
from audit.services import audit_record

from .models import (
    AttemptAnswer,
    Checklist,
    ChecklistItem,
    ChecklistResponse,
    Choice,
    Enrollment,
    Lesson,
    LessonCompletion,
    Module,
    Pathway,
    PublishStatus,
    Question,
    Quiz,
    QuizAttempt,
    Therapy,
    content_clinic_id,
)
from .recompute import readiness_recompute_after_commit

LIBRARY_EDITORS_GROUP = "Library editors"
CONTENT_EDITORS_GROUP = "Content editors"

# Models of the shared library, by model name (as in permission codenames).
LIBRARY_MODELS = (
    "pathway",
    "pathwaymodule",
    "module",
    "lesson",
    "lessonsource",
    "quiz",
    "question",
    "choice",
    "checklist",
    "checklistitem",
    "glossaryterm",
    "therapy",
)
LIBRARY_EDITOR_ACTIONS = ("add", "change", "delete", "view")


def library_editors_group() -> Group:
    """The "Library editors" group with every permission on library content
    (a migration creates it; this keeps it whole if it was emptied, for
    example by a test database flush)."""
    group, _created = Group.objects.get_or_create(name=LIBRARY_EDITORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="education",
            codename__in=[
                f"{action}_{model}" for model in LIBRARY_MODELS for action in LIBRARY_EDITOR_ACTIONS
            ],
        )
    )
    return group


def content_editors_group() -> Group:
    """The "Content editors" group, which clinic admins join, with every
    permission on the content models (a migration creates it; this keeps it
    whole if it was emptied)."""
    group, _created = Group.objects.get_or_create(name=CONTENT_EDITORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="education", content_type__model__in=LIBRARY_MODELS
        )
    )
    return group


def may_edit_library(user) -> bool:
    """Superusers and library editors; never a clinic admin, whatever groups
    their account is in (the library is shared by every clinic)."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return not user.is_clinic_admin


def may_edit_clinic_content(user, clinic_id: int | None = None) -> bool:
    """A clinic admin changes their own clinic's additions (``clinic_id``
    None: any of them); superusers any clinic's. Library editors do not."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return user.is_clinic_admin and clinic_id in (None, user.clinic_id)


def may_publish(user, obj) -> bool:
    """Who may approve and publish ``obj``: its clinic's admin for a clinic's
    own content (alone), a library editor for the library (a second one)."""
    clinic_id = content_clinic_id(obj)
    if clinic_id is not None:
        return may_edit_clinic_content(user, clinic_id)
    return may_edit_library(user)


def has_patient_records(obj) -> bool:
    """Whether any patient's record (in any clinic) points at ``obj``."""
    match obj:
        case Pathway():
            return Enrollment.objects.filter(pathway=obj).exists()
        case Module():
            return (
                LessonCompletion.objects.filter(lesson__module=obj).exists()
                or QuizAttempt.objects.filter(quiz__module=obj).exists()
            )
        case Lesson():
            return LessonCompletion.objects.filter(lesson=obj).exists()
        case Quiz():
            return QuizAttempt.objects.filter(quiz=obj).exists()
        case Question():
            return AttemptAnswer.objects.filter(question=obj).exists()
        case Choice():
            return AttemptAnswer.objects.filter(question_id=obj.question_id).exists()
        case Checklist():
            return ChecklistResponse.objects.filter(item__checklist=obj).exists()
        case ChecklistItem():
            return ChecklistResponse.objects.filter(item=obj).exists()
        case Therapy():
            return Lesson.objects.filter(therapy=obj).exclude(status=PublishStatus.DRAFT).exists()
    return False


def _owner(obj):
    """The versioned content a part belongs to (a question's quiz...)."""
    match obj:
        case Question():
            return obj.quiz
        case Choice():
            return obj.question.quiz
        case ChecklistItem():
            # A clinic's own item is its own: the library checklist holds it.
            return obj.checklist if obj.clinic_id is None else None
    return getattr(obj, "lesson", None) or getattr(obj, "pathway", None)


def content_may_delete(obj) -> bool:
    """Only content no patient could have seen: never published (nor its
    quiz, checklist, lesson or pathway) and no patient record points at it."""
    if getattr(obj, "was_published", False):
        return False
    owner = _owner(obj)
    if owner is not None and not content_may_delete(owner):
        return False
    return not has_patient_records(obj)


def _detail(obj, **extra) -> dict:
    # A clinic's stage, lesson or item is filed under its model, not the
    # admin's proxy, so one object's events read alike whichever page saved it.
    detail = {"model": obj._meta.concrete_model._meta.label_lower, "id": obj.pk}
    if hasattr(obj, "version"):
        detail["version"] = obj.version
    detail.update(extra)
    return detail


def content_audit(*, action: str, obj, actor=None, request=None, **extra) -> None:
    """``education.content.<action>`` for one piece of content; a clinic's own
    content is filed under that clinic (its audit log shows it)."""
    clinic_id = content_clinic_id(obj)
    audit_record(
        action=f"education.content.{action}",
        actor=actor,
        clinic=Clinic(pk=clinic_id) if clinic_id else None,
        request=request,
        detail=_detail(obj, **extra),
    )
    if _may_change_readiness(action, obj):
        readiness_recompute_after_commit(clinic_id=clinic_id)


def _may_change_readiness(action: str, obj) -> bool:
    """Whether what patients must do may have changed: content published,
    unpublished or retired, or a change saved to content patients see (a
    clinic's checklist item shows as soon as it is saved). Drafts never do."""
    if action in ("published", "unpublished", "retired"):
        return True
    return action == "saved" and getattr(obj, "status", None) != PublishStatus.DRAFT


@transaction.atomic
def content_retire(*, obj, actor=None, request=None) -> bool:
    """Take versioned content (pathway, module, lesson, quiz, checklist) out
    of what patients are shown, keeping it and every record that points at it.
    Returns False when it was already retired."""
    if obj.status == PublishStatus.RETIRED:
        return False
    obj.status = PublishStatus.RETIRED
    obj.retired_at = timezone.now()
    obj.save(update_fields=["status", "retired_at", "updated_at"])
    content_audit(action="retired", obj=obj, actor=actor, request=request)
    if isinstance(obj, Lesson) and obj.module.clinic_id is None:
        from .library_versions import library_version_record

        library_version_record(actor=actor, change_note=f"Retired: {obj.title}", request=request)
    return True
