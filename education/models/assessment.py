"""What a patient says about their own understanding: teach-back answers in
their own words (never graded automatically)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .content import Module
from .progress import Enrollment

TEACH_BACK_MAX_LENGTH = 1000


class TeachBack(models.Model):
    """One answer per stage; writing it again replaces it and reopens it for
    discussion."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="teach_backs")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="+")
    prompt = models.CharField(_("prompt as shown"), max_length=300)
    text = models.TextField(_("in your own words"), max_length=TEACH_BACK_MAX_LENGTH)
    answered_at = models.DateTimeField(default=timezone.now)
    discussed_at = models.DateTimeField(null=True, blank=True)
    discussed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("teach-back answer")
        verbose_name_plural = _("teach-back answers")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "module"], name="education_teachback_unique"
            ),
        ]


class SelfCheck(models.Model):
    """What the patient says about their own decision: the SURE screen, and the
    result they expect before and after the expectations stage. One row of each
    kind per enrollment; answering again replaces it (every answer is kept in
    the audit log). Answers are option keys from ``education.selfcheck``, never
    free text."""

    class Kind(models.TextChoices):
        SURE = "sure", _("decision check (SURE)")
        EXPECT_BEFORE = "expect_before", _("expectations before the stage")
        EXPECT_AFTER = "expect_after", _("expectations after the stage")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="self_checks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    answers = models.JSONField(default=dict)
    # SURE: a "no" on any item (decisional conflict). After the stage: an
    # expectation outside what the evidence supports.
    flagged = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind"], name="education_selfcheck_unique"
            ),
        ]
        indexes = [models.Index(fields=["kind", "flagged"], name="education_selfcheck_flag")]
