"""The audit trail: who did or looked at what, when, from where. Both accounts
(sign-ins, invitations) and education (progress, content, the clinic's pages)
write to it; it imports neither."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Append-only (a database trigger refuses UPDATE and DELETE on PostgreSQL);
    never holds passwords, tokens or patient free text. The people and the
    clinic an event names are protected: a user or clinic with audit history
    cannot be deleted (deactivate the account instead), since emptying the link
    would be an UPDATE the trail refuses."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table (and its append-only trigger) keeps the name it was created with.
        db_table = "education_auditevent"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["clinic", "-created_at"], name="education_audit_clinic"),
            models.Index(fields=["patient", "-created_at"], name="education_audit_patient"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
