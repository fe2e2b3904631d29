"""Changes made in the admin to accounts, roles and clinics are audit events,
written through the one audit writer: which object, the names of the fields that
changed and, for the fields that grant or place access (role, clinic, active,
staff, groups, permissions, primary clinician), the value before and after as
ids, choices and flags. Never a name, an e-mail or any other free text."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.forms import BaseForm

from audit.services import audit_record

ACCESS_FIELDS = frozenset(
    {
        "role",
        "clinic",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "permissions",
        "primary_clinician",
    }
)
PASSWORD_FIELDS = frozenset({"password", "password1", "password2", "usable_password"})


def _plain(value):
    """An id, a choice or a flag, as JSON: objects by their id, sets by sorted ids."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (list, tuple, set, QuerySet)):
        return sorted(_plain(item) for item in value)
    return value


def form_changes(form: BaseForm) -> dict:
    """``{"fields": [names], "access": {name: [before, after]}}`` of one form."""
    names = sorted(set(form.changed_data) - PASSWORD_FIELDS)
    access = {
        name: [_plain(form.initial.get(name)), _plain(form.cleaned_data.get(name))]
        for name in names
        if name in ACCESS_FIELDS
    }
    return {"fields": names, "access": access}


def _inline_changes(formsets) -> dict:
    """Per inline model: the fields changed in its forms, with access values."""
    changes = {}
    for formset in formsets:
        for form in formset.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            found = form_changes(form)
            entry = changes.setdefault(formset.model._meta.model_name, {"fields": [], "access": {}})
            entry["fields"] = sorted(set(entry["fields"]) | set(found["fields"]))
            entry["access"].update(found["access"])
    return changes


class AuditedAdminMixin:
    """For a ``ModelAdmin``: ``accounts.<audit_name>.added``, ``.changed`` (only
    when something changed) and ``.deleted``, by the signed-in admin, from their
    address, for the clinic concerned (see ``audit_target``)."""

    audit_name = ""
    # A refused delete page names the first protected objects, then how many more.
    delete_confirmation_max_display = 50

    def audit_target(self, obj, *, deleted: bool = False) -> dict:
        """The clinic and patient an event is filed under. A deleted object is
        named in ``detail`` only (the audit trail keeps no link to it)."""
        return {}

    def _audit_key(self) -> str:
        return self.audit_name or self.model._meta.model_name

    def _audit(self, request, pk, verb: str, target: dict, detail: dict | None = None) -> None:
        audit_record(
            action=f"accounts.{self._audit_key()}.{verb}",
            actor=request.user,
            request=request,
            detail={self._audit_key(): pk, **(detail or {})},
            **target,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        detail = form_changes(form)
        inlines = _inline_changes(formsets)
        if inlines:
            detail["inlines"] = inlines
        if change and not detail["fields"] and not inlines:
            return
        obj = form.instance
        self._audit(
            request, obj.pk, "changed" if change else "added", self.audit_target(obj), detail
        )

    def get_deleted_objects(self, objs, request):
        """What protects an object (its audit events, a patient's records) is why
        it stays: the delete page lists those as protected, not as objects the
        admin may not delete. Nothing is deleted while anything is protected."""
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return to_delete, counts, set() if protected else perms_needed, protected

    def delete_model(self, request, obj):
        pk, target = obj.pk, self.audit_target(obj, deleted=True)
        super().delete_model(request, obj)
        self._audit(request, pk, "deleted", target)

    def delete_queryset(self, request, queryset):
        doomed = [(obj.pk, self.audit_target(obj, deleted=True)) for obj in queryset]
        super().delete_queryset(request, queryset)
        for pk, target in doomed:
            self._audit(request, pk, "deleted", target)
