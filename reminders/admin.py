from django.contrib import admin

from .models import ClinicReminderSettings, ReminderSend


def _is_clinic_admin(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.is_clinic_admin and user.clinic_id


class ClinicScopedAdmin(admin.ModelAdmin):
    """Superusers see every clinic; a clinic admin sees only their own clinic."""

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(_is_clinic_admin(request))

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        return bool(_is_clinic_admin(request)) and (
            obj is None or obj.clinic_id == request.user.clinic_id
        )

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("clinic")
        if request.user.is_superuser:
            return qs
        return qs.filter(clinic_id=request.user.clinic_id)


@admin.register(ClinicReminderSettings)
class ClinicReminderSettingsAdmin(ClinicScopedAdmin):
    list_display = [
        "clinic",
        "invitation",
        "not_started",
        "stalled",
        "consultation_72h",
        "day_before",
        "clinician_digest",
    ]

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        if request.user.is_superuser:
            return True
        return (
            bool(_is_clinic_admin(request))
            and not ClinicReminderSettings.objects.filter(clinic_id=request.user.clinic_id).exists()
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["clinic"]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.clinic_id = request.user.clinic_id
        super().save_model(request, obj, form, change)


@admin.register(ReminderSend)
class ReminderSendAdmin(ClinicScopedAdmin):
    """A read-only record of every reminder: rule, reason, outcome."""

    list_display = ["created_at", "rule", "status", "reason", "sent_at", "clinic"]
    list_filter = ["rule", "status"]
    fields = ["rule", "reason", "status", "skipped_because", "attempts", "created_at", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
