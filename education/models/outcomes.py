"""What happened at a consultation, as recorded by the clinic. Append-only: a
later outcome adds to the list, it never edits an earlier one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .progress import Enrollment

OUTCOME_NOTE_MAX_LENGTH = 2000


class ConsultationOutcome(models.Model):
    class Outcome(models.TextChoices):
        CONSENTED = "consented", _("Attended and consented")
        NEEDS_TIME = "needs_time", _("Attended, needs more time")
        DECLINED = "declined", _("Declined")
        DID_NOT_ATTEND = "did_not_attend", _("Did not attend")
        RESCHEDULED = "rescheduled", _("Rescheduled")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    # The consultation this outcome is about (the date set when it was recorded).
    consultation_at = models.DateTimeField(null=True, blank=True)
    rescheduled_to = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=OUTCOME_NOTE_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("consultation outcome")
        verbose_name_plural = _("consultation outcomes")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="rescheduled", rescheduled_to__isnull=False)
                | (~Q(outcome="rescheduled") & Q(rescheduled_to__isnull=True)),
                name="education_consultationoutcome_rescheduled_date",
            ),
        ]
        indexes = [
            models.Index(fields=["enrollment", "-recorded_at"], name="education_outcome_latest"),
        ]

    def __str__(self):
        return f"{self.recorded_at:%Y-%m-%d %H:%M} {self.outcome}"
