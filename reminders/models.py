"""Reminders: who opted out, which rules each clinic runs, and every send."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .rules import Rule


class RuleChoice(models.TextChoices):
    DAY_BEFORE = Rule.DAY_BEFORE.value, _("The day before the consultation")
    CONSULTATION_72H = Rule.CONSULTATION_72H.value, _("Consultation within 72 hours")
    STALLED = Rule.STALLED.value, _("No activity for 5 days")
    NOT_STARTED = Rule.NOT_STARTED.value, _("Joined but not started after 3 days")
    INVITATION = Rule.INVITATION.value, _("Invitation not accepted after 3 and 7 days")


class SendStatus(models.TextChoices):
    PENDING = "pending", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not needed any more")
    FAILED = "failed", _("Failed")


class ReminderPreference(models.Model):
    """One address's choice about reminder e-mails. Keyed by the address so an
    invited person who unsubscribes stays unsubscribed once they join."""

    email = models.EmailField(_("e-mail address"), unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_preference",
    )
    reminders_enabled = models.BooleanField(_("reminder e-mails"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self):
        return self.email


class ClinicReminderSettings(models.Model):
    """Which reminder rules a clinic runs (all of them unless switched off)."""

    clinic = models.OneToOneField(
        "accounts.Clinic", on_delete=models.CASCADE, related_name="reminder_settings"
    )
    invitation = models.BooleanField(RuleChoice.INVITATION.label, default=True)
    not_started = models.BooleanField(RuleChoice.NOT_STARTED.label, default=True)
    stalled = models.BooleanField(RuleChoice.STALLED.label, default=True)
    consultation_72h = models.BooleanField(RuleChoice.CONSULTATION_72H.label, default=True)
    day_before = models.BooleanField(RuleChoice.DAY_BEFORE.label, default=True)
    clinician_digest = models.BooleanField(
        _("Morning digest for clinicians"),
        default=True,
        help_text=_("Patients with a consultation in the next 48 hours who are not ready."),
    )

    class Meta:
        verbose_name = _("clinic reminder settings")
        verbose_name_plural = _("clinic reminder settings")

    def __str__(self):
        return str(self.clinic)

    @property
    def rules_off(self) -> frozenset[str]:
        return frozenset(rule.value for rule in Rule if not getattr(self, rule.value))


class ReminderSend(models.Model):
    """One reminder to one person: recorded before it is queued, marked sent
    only once the mail server accepted it. The unique constraints make a
    second row for the same occurrence impossible, whichever worker races."""

    rule = models.CharField(_("rule"), max_length=20, choices=RuleChoice.choices)
    occurrence_key = models.CharField(max_length=64)
    reason = models.CharField(_("reason"), max_length=300)
    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.CASCADE, related_name="reminder_sends"
    )
    enrollment = models.ForeignKey(
        "education.Enrollment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_sends",
    )
    invitation = models.ForeignKey(
        "accounts.Invitation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_sends",
    )
    email = models.EmailField(_("sent to"))
    status = models.CharField(
        _("status"), max_length=10, choices=SendStatus.choices, default=SendStatus.PENDING
    )
    skipped_because = models.CharField(max_length=30, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    # When a queued or retried send may go out (also its backoff after an error).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "rule", "occurrence_key"],
                condition=Q(enrollment__isnull=False),
                name="reminders_remindersend_unique_enrollment",
            ),
            models.UniqueConstraint(
                fields=["invitation", "rule", "occurrence_key"],
                condition=Q(invitation__isnull=False),
                name="reminders_remindersend_unique_invitation",
            ),
            models.CheckConstraint(
                condition=Q(enrollment__isnull=False, invitation__isnull=True)
                | Q(enrollment__isnull=True, invitation__isnull=False),
                name="reminders_remindersend_one_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["email", "-created_at"], name="reminders_send_email_recent"),
            models.Index(fields=["clinic", "rule", "status"], name="reminders_send_clinic_rule"),
        ]

    def __str__(self):
        return f"{self.get_rule_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class ClinicianDigest(models.Model):
    """The morning list for one clinician: one per clinician per clinic-local day."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.CASCADE, related_name="reminder_digests"
    )
    local_day = models.DateField(_("day (clinic time)"))
    # [{"patient_id": .., "name": .., "consultation_at": iso, "reasons": [..]}]
    patients = models.JSONField(default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=SendStatus.choices, default=SendStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-local_day", "-pk"]
        verbose_name = _("clinician digest")
        verbose_name_plural = _("clinician digests")
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "local_day"], name="reminders_cliniciandigest_unique_day"
            ),
        ]

    def __str__(self):
        return f"{self.clinician} · {self.local_day}"
