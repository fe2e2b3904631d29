"""The content revision: one token that moves whenever published content changes.

What a patient reads is built from published content that changes only through
the admin, publishing and ``load_curriculum``. Each of those saves or deletes a
content row, and every such save or delete gives every pathway a new random
``content_revision`` in the same transaction. Caches of published content (the
outline, a rendered lesson, a quiz's questions, the glossary) are keyed by it,
so they never need invalidating: a change makes new keys, and the old entries
expire. The token rides on the pathway row that every patient page already
loads with the enrollment, so a cached page costs no query to check it is
current. A random token (not a counter) cannot come back after a rollback, or
when a stale form saves an old value.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from . import models
from .models.content import content_revision_new

# Everything a patient page shows from published content. Drafts and lesson
# versions are not here: patients never read them directly.
CONTENT_MODELS = (
    models.Checklist,
    models.ChecklistItem,
    models.Choice,
    models.ClinicLibrary,
    models.LibraryCorrection,
    models.GlossaryTerm,
    models.Lesson,
    models.LessonSource,
    models.Module,
    models.Pathway,
    models.PathwayModule,
    models.Question,
    models.Quiz,
    models.Therapy,
)


def content_revision_bump() -> None:
    """Give every pathway a new revision; call after a bulk change that sends
    no signal (``QuerySet.update``, ``bulk_create``)."""
    models.Pathway.objects.update(content_revision=content_revision_new())


def _content_changed(sender, raw=False, **kwargs) -> None:
    if not raw:  # fixtures: loaddata saves rows as they are
        content_revision_bump()


def connect() -> None:
    for model in CONTENT_MODELS:
        uid = f"education.revision.{model.__name__}"
        post_save.connect(_content_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=uid + ".delete")


def cache_key(*parts: object, revision: str) -> str:
    """A cache key for published content that is current at ``revision``."""
    return ":".join(["education", *map(str, parts), revision])
