"""Publishing and unpublishing content (the admin and the curriculum loader)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..governance import content_audit
from ..models import Lesson, PublishStatus


@transaction.atomic
def content_publish(*, obj, actor: User | None = None, request=None) -> bool:
    """Publish a lesson, quiz, checklist, module or pathway. The version goes
    up only when what patients see changed. Returns whether it went up.
    A lesson is published through ``publishing.lesson_publish``, which also
    keeps the version row."""
    from ..publishing import lesson_publish

    if isinstance(obj, Lesson):
        before = obj.version
        lesson_publish(lesson=obj, actor=actor, request=request)
        return obj.version != before
    new_hash = obj.compute_content_hash()
    bumped = new_hash != obj.content_hash
    if bumped:
        obj.version += 1
        obj.content_hash = new_hash
        obj.published_at = timezone.now()
    obj.status = PublishStatus.PUBLISHED
    obj.save()
    content_audit(action="published", obj=obj, actor=actor, request=request)
    return bumped


@transaction.atomic
def content_unpublish(*, obj, actor: User | None = None, request=None) -> None:
    obj.status = PublishStatus.DRAFT
    obj.save(update_fields=["status", "updated_at"])
    content_audit(action="unpublished", obj=obj, actor=actor, request=request)
