"""Drafts of published quizzes, checklists, modules and pathways.

An edit of a quiz, checklist, module or pathway that patients may have seen is
saved as a ``ContentDraft``: a JSON ``payload`` of everything patients see of
it (a quiz's questions and their choices, a checklist's items, a module's
lesson order, a pathway's stages), each row with its id (a row the draft adds is marked ``new``).
Patients keep seeing the published rows until another library editor approves
and publishes the draft (``education/drafting.py``).
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .content import unique_per
from .versions import ReviewedDraft


class ContentDraft(ReviewedDraft):
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of content"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    content_object = GenericForeignKey("content_type", "object_id")
    # The clinic that owns the content; empty for the shared library.
    clinic = models.ForeignKey(
        "accounts.Clinic",
        verbose_name=_("clinic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    payload = models.JSONField(_("content"), default=dict)

    class Meta(ReviewedDraft.Meta):
        verbose_name = _("content draft")
        verbose_name_plural = _("quiz, checklist and module drafts")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="education_contentdraft_object")
        ]
        constraints = [
            unique_per(
                "contentdraft",
                "content_type",
                "object_id",
                what="one_open_per_object",
                condition=models.Q(state__in=["draft", "submitted"]),
            ),
        ]
