"""Publishing and unpublishing content (the admin and the curriculum loader)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent

from ..governance import content_audit
from ..models import ContentVersion, Lesson, PublishStatus, Question, Quiz, content_clinic_id


@transaction.atomic
def content_publish(
    *,
    obj,
    actor: User | None = None,
    request=None,
    new_version: bool = False,
    detail: dict | None = None,
    change_note: str = "",
    edited_by: User | None = None,
) -> bool:
    """Publish a lesson, quiz, checklist, module or pathway. The version goes
    up only when what patients see changed (or, with ``new_version``, when a
    draft was approved: a module's lesson order is not in its hash). Returns
    whether it went up. A lesson is published through
    ``publishing.lesson_publish``, which also keeps the version row; anything
    else that moves up keeps a ``ContentVersion`` (``change_note`` and
    ``edited_by`` from the draft it was published from), and ``detail`` goes
    into its audit event."""
    from ..publishing import lesson_publish

    if isinstance(obj, Lesson):
        before = obj.version
        lesson_publish(lesson=obj, actor=actor, request=request)
        return obj.version != before
    if isinstance(obj, Quiz):
        _question_hashes_set(obj)
    new_hash = obj.compute_content_hash()
    bumped = new_version or new_hash != obj.content_hash
    if bumped:
        obj.version += 1
        obj.content_hash = new_hash
        obj.published_at = timezone.now()
    obj.status = PublishStatus.PUBLISHED
    obj.save()
    if bumped:
        content_version_record(obj=obj, actor=actor, change_note=change_note, edited_by=edited_by)
    content_audit(action="published", obj=obj, actor=actor, request=request, **(detail or {}))
    return bumped


def content_version_record(
    *, obj, actor: User | None = None, change_note: str = "", edited_by: User | None = None
) -> ContentVersion:
    """Keep what patients see of ``obj`` at its current version, once. Without
    an actor the approver is the shipped curriculum file; without an editor
    (published in place, not from a draft) the editor is whoever last saved
    it in the admin."""
    from ..drafting import content_payload_json
    from ..library_versions import SYSTEM_CURRICULUM

    approver = actor if getattr(actor, "is_authenticated", False) else None
    if edited_by is None and approver is not None:
        edited_by = _last_editor(obj)
    payload = content_payload_json(obj)
    return ContentVersion.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        clinic_id=content_clinic_id(obj),
        title=str(payload["fields"]["title"])[:200],
        version=obj.version,
        payload=payload,
        content_hash=obj.content_hash,
        change_note=change_note[:300],
        edited_by=edited_by,
        approved_by=approver,
        approver_name=str(approver) if approver else SYSTEM_CURRICULUM,
        published_at=obj.published_at,
    )


def _last_editor(obj) -> User | None:
    """Who last saved ``obj`` in the admin (audit log), if anyone did."""
    event = (
        AuditEvent.objects.filter(
            action="education.content.saved",
            detail__model=obj._meta.concrete_model._meta.label_lower,
            detail__id=obj.pk,
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    return event.actor if event else None


def _question_hashes_set(quiz: Quiz) -> None:
    """Each question keeps the hash of what patients see of it, so an answer
    given to an earlier version of one question is told from the rest."""
    questions = list(quiz.questions.prefetch_related("choices"))
    for question in questions:
        question.content_hash = question.compute_content_hash()
    Question.objects.bulk_update(questions, ["content_hash"])


@transaction.atomic
def content_unpublish(*, obj, actor: User | None = None, request=None) -> None:
    obj.status = PublishStatus.DRAFT
    obj.save(update_fields=["status", "updated_at"])
    content_audit(action="unpublished", obj=obj, actor=actor, request=request)
