"""The audit log in the admin: read-only; clinic admins see their own clinic."""

from django.contrib import admin

from portal.admin import RecordAdminMixin

from .models import AuditEvent


class _ClinicPeopleFilter(admin.RelatedFieldListFilter):
    """Choices limited to the people of the clinic admin's own clinic."""

    def field_choices(self, field, request, model_admin):
        if request.user.is_superuser:
            return super().field_choices(field, request, model_admin)
        people = field.related_model.objects.filter(clinic_id=request.user.clinic_id)
        if field.name == "patient":
            people = people.filter(role=field.related_model.Role.PATIENT)
        return [(user.pk, str(user)) for user in people.order_by("full_name", "email")]


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Read-only. Clinic admins see their own clinic's events, filtered by
    action, by who acted and by the patient concerned."""

    list_display = ["created_at", "action", "actor", "patient", "ip_address"]
    list_filter = ["action", ("actor", _ClinicPeopleFilter), ("patient", _ClinicPeopleFilter)]
    search_fields = ["action", "actor__email", "patient__email"]
    list_select_related = ["actor", "patient"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "action", "actor", "patient", "clinic", "ip_address", "detail"]
    fields = readonly_fields
    show_full_result_count = False

    def allowed(self, request):
        return request.user.is_superuser or request.user.is_clinic_admin

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(clinic_id=request.user.clinic_id)
