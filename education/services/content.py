"""Publishing and unpublishing content (the admin and the curriculum loader)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..governance import content_audit
from ..models import Lesson, PublishStatus, Question, Quiz


@transaction.atomic
def content_publish(
    *,
    obj,
    actor: User | None = None,
    request=None,
    new_version: bool = False,
    detail: dict | None = None,
) -> bool:
    """Publish a lesson, quiz, checklist, module or pathway. The version goes
    up only when what patients see changed (or, with ``new_version``, when a
    draft was approved: a module's lesson order is not in its hash). Returns
    whether it went up. A lesson is published through
    ``publishing.lesson_publish``, which also keeps the version row; ``detail``
    goes into the audit event of anything else."""
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
    content_audit(action="published", obj=obj, actor=actor, request=request, **(detail or {}))
    return bumped


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
