"""Drafts of published quizzes, checklists, modules and pathways.

An edit of a quiz, checklist, module or pathway that patients may have seen is
saved as a ``ContentDraft``: a JSON ``payload`` of everything patients see of
it (a quiz's questions and their choices, a checklist's items, a module's
lesson order, a pathway's stages), each row with its id (a row the draft adds is marked ``new``).
Patients keep seeing the published rows until another library editor approves
and publishes the draft (``education/drafting.py``).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .content import unique_per


class ContentDraft(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATES = (State.DRAFT, State.SUBMITTED)

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
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    change_note = models.CharField(
        _("change note"),
        max_length=300,
        blank=True,
        help_text=_("What changed and why, for the version history (editors only)."),
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("last edited at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_version = models.PositiveIntegerField(_("published as version"), null=True)

    class Meta:
        ordering = ["-edited_at", "-pk"]
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

    def __str__(self):
        return f"{self.title} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES
