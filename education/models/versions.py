"""Drafts of published lessons and the immutable versions publishing makes.

A library editor's edit to a published lesson is saved as a ``LessonDraft``;
patients keep reading the ``Lesson`` row. Publishing an approved draft copies
it into the lesson and writes a ``LessonVersion``, which is never changed or
deleted.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .content import EvidenceLabel, Lesson, LessonText, WrittenOnce, therapy_field, unique_per


def sources_parse(text: str) -> list[list[str]]:
    """``title | URL`` lines as [[title, url], ...] (blank lines skipped)."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        title, _bar, url = line.rpartition("|")
        rows.append([title.strip(), url.strip()])
    return rows


def sources_format(rows) -> str:
    return "\n".join(f"{title} | {url}" for title, url in rows)


def content_hash(fields: dict) -> str:
    """sha256 of what a patient sees of a lesson (title, label, therapy, key
    points, body, sources)."""
    payload = json.dumps(fields, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


class LessonContent(LessonText, models.Model):
    """The fields of a lesson a patient sees."""

    title = models.CharField(_("title"), max_length=200)
    evidence_label = models.CharField(
        _("evidence label"), max_length=20, choices=EvidenceLabel.choices, blank=True
    )
    therapy = therapy_field(on_delete=models.PROTECT, related_name="+")
    key_points = models.TextField(_("key points"), blank=True, help_text=_("One point per line."))
    body = models.TextField(_("body"))
    sources = models.TextField(
        _("sources"), blank=True, help_text=_("One per line: title | https://address")
    )

    class Meta:
        abstract = True

    @property
    def source_rows(self) -> list[list[str]]:
        return sources_parse(self.sources)


class ReviewedDraft(models.Model):
    """What every draft of published content carries through review: its
    state, the change note, its last editor (who may not approve it), when it
    was submitted and the version it was published as. Lessons'
    (``LessonDraft``) and the other content's (``ContentDraft``) alike."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATES = (State.DRAFT, State.SUBMITTED)

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
        abstract = True
        ordering = ["-edited_at", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class LessonDraft(ReviewedDraft, LessonContent):
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.PROTECT, related_name="drafts"
    )

    class Meta(ReviewedDraft.Meta):
        verbose_name = _("lesson draft")
        verbose_name_plural = _("lesson drafts")
        constraints = [
            unique_per(
                "lessondraft",
                "lesson",
                what="one_open_per_lesson",
                condition=models.Q(state__in=["draft", "submitted"]),
            ),
        ]


class LessonVersion(WrittenOnce, LessonContent):
    """One published version of a lesson, as patients read it. Written once
    by publishing; never changed or deleted."""

    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lesson"), on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    change_note = models.CharField(_("change note"), max_length=300, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    approver_name = models.CharField(_("approver"), max_length=200)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["lesson", "-version"]
        verbose_name = _("lesson version")
        verbose_name_plural = _("lesson versions")
        constraints = [unique_per("lessonversion", "lesson", "version", what="unique_version")]

    def __str__(self):
        return f"{self.title} v{self.version}"
