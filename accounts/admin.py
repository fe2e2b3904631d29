from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record

from .admin_audit import AuditedAdminMixin
from .models import Clinic, ClinicIdentity, Invitation, PatientProfile, User


class _ClinicAudited(AuditedAdminMixin):
    """A clinic's add, change and delete, filed under that clinic."""

    audit_name = "clinic"

    def audit_target(self, obj, *, deleted=False):
        return {} if deleted else {"clinic": obj}


@admin.register(Clinic)
class ClinicAdmin(_ClinicAudited, admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "contact_phone"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def has_module_permission(self, request):
        return request.user.is_superuser


class PatientProfileInline(admin.StackedInline):
    model = PatientProfile
    fk_name = "user"
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    """Superusers manage every account; clinic admins see their clinic's staff.
    Every add, change (role, clinic, active, groups…) and delete is audited, filed
    under the account's clinic (and the patient, for a patient's account)."""

    ordering = ["email"]
    list_display = ["email", "full_name", "role", "clinic", "is_active", "last_login"]
    list_filter = ["role", "is_active", "clinic"]
    search_fields = ["email", "full_name"]
    list_select_related = ["clinic"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "role", "clinic"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "clinic", "password1", "password2"],
            },
        )
    ]
    inlines = [PatientProfileInline]

    # Clinic admins see and manage the staff accounts of their own clinic (name,
    # role, active); they invite new staff rather than add accounts here, and
    # they deactivate rather than delete. Superusers manage everything.

    @staticmethod
    def _is_clinic_admin(request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.is_clinic_admin

    def _in_scope(self, request, obj) -> bool:
        return obj is None or (
            obj.clinic_id == request.user.clinic_id
            and obj.role != User.Role.PATIENT
            and not obj.is_superuser
        )

    def has_module_permission(self, request):
        return request.user.is_superuser or self._is_clinic_admin(request)

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        return self._is_clinic_admin(request) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def audit_target(self, obj, *, deleted=False):
        patient = obj if obj.role == User.Role.PATIENT and not deleted else None
        return {"clinic": obj.clinic, "patient": patient}

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            audit_record(
                action="accounts.user.password_set",
                actor=request.user,
                request=request,
                **self.audit_target(user),
                detail={"user": user.pk},
            )
        return response

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(clinic_id=request.user.clinic_id, is_superuser=False).exclude(
            role=User.Role.PATIENT
        )

    def get_list_filter(self, request):
        return self.list_filter if request.user.is_superuser else ["role", "is_active"]

    def get_inlines(self, request, obj):
        return self.inlines if request.user.is_superuser else []

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return [
            (None, {"fields": ["email"]}),
            (_("Person"), {"fields": ["full_name", "role", "clinic"]}),
            (_("Access"), {"fields": ["is_active", "is_staff"]}),
            (_("Dates"), {"fields": ["last_login", "date_joined"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["email", "clinic", "last_login", "date_joined"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [
                (User.Role.CLINICIAN, User.Role.CLINICIAN.label),
                (User.Role.CLINIC_ADMIN, User.Role.CLINIC_ADMIN.label),
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "clinic", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", "clinic"]
    search_fields = ["email"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ClinicIdentity)
class ClinicIdentityAdmin(_ClinicAudited, admin.ModelAdmin):
    """A clinic admin edits how their own clinic appears to its patients: name,
    logo, accent colour, phone and address. Nothing else about the clinic."""

    fields = ["name", "display_name", "logo", "accent_colour", "contact_phone", "address"]
    readonly_fields = ["name"]
    list_display = ["name", "display_name", "contact_phone"]

    @staticmethod
    def _is_clinic_admin(request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and user.is_clinic_admin and user.clinic_id

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk=request.user.clinic_id)

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(self._is_clinic_admin(request))

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        if not self._is_clinic_admin(request):
            return False
        return obj is None or obj.pk == request.user.clinic_id

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, BaseGroupAdmin):
    """Groups carry permissions (content editors, library editors): their changes
    are audited like an account's."""
