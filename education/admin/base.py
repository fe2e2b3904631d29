"""What every admin of library content shares: the publish, unpublish and
retire actions, and the permission rules (library editors and superusers
only; nothing a patient could have seen is deleted)."""

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.services import audit_record

from .. import governance, publishing, services
from ..models import Lesson, Module, PublishStatus

# --- Publishing and retiring --------------------------------------------------


@admin.action(description=_("Publish selected (new version where changed)"), permissions=["change"])
def publish(modeladmin, request, queryset):
    retired = [obj for obj in queryset if obj.status == PublishStatus.RETIRED]
    refused = {}
    bumped = 0
    for obj in queryset:
        if obj.status == PublishStatus.RETIRED:
            continue
        problems = _lesson_publish_problems(obj, request.user)
        if problems:
            refused[obj] = problems
            continue
        bumped += services.content_publish(obj=obj, actor=request.user, request=request)
    for obj, problems in refused.items():
        modeladmin.message_user(
            request,
            _("“%(title)s” was not published: %(problems)s")
            % {"title": obj, "problems": " ".join(problems)},
            messages.ERROR,
        )
    modeladmin.message_user(
        request,
        ngettext(
            "Published. %(n)d item got a new version.",
            "Published. %(n)d items got a new version.",
            bumped,
        )
        % {"n": bumped},
        messages.SUCCESS,
    )
    if retired:
        modeladmin.message_user(
            request,
            _("Retired content stays retired: %(titles)s.")
            % {"titles": ", ".join(str(obj) for obj in retired)},
            messages.WARNING,
        )


def _lesson_publish_problems(obj, user) -> list[str]:
    """A lesson whose text would change here (a new lesson's first
    publication) follows the content rules and, in the library, the
    two-person rule; a published lesson changes only through a draft."""
    if not isinstance(obj, Lesson) or obj.compute_content_hash() == obj.content_hash:
        return []
    problems = publishing.content_rule_problems(obj)
    if obj.module.clinic_id is not None:
        return problems  # a clinic's own lesson: its admin publishes it alone
    if not user.is_superuser and publishing.lesson_last_editor_id(obj) == user.pk:
        problems.append(str(_("A different library editor must publish it: you edited it last.")))
    return problems


@admin.action(description=_("Unpublish selected (back to draft)"), permissions=["change"])
def unpublish(modeladmin, request, queryset):
    kept = []
    for obj in queryset:
        if obj.status != PublishStatus.PUBLISHED or governance.has_patient_records(obj):
            kept.append(obj)
            continue
        services.content_unpublish(obj=obj, actor=request.user, request=request)
    if len(kept) < len(queryset):
        modeladmin.message_user(request, _("Moved back to draft."), messages.SUCCESS)
    if kept:
        modeladmin.message_user(
            request,
            _(
                "Not moved back to draft (patients have records on it, or it is not "
                "published): %(titles)s. Retire published content instead."
            )
            % {"titles": ", ".join(str(obj) for obj in kept)},
            messages.WARNING,
        )


@admin.action(description=_("Retire selected (patients' records are kept)"), permissions=["change"])
def retire(modeladmin, request, queryset):
    retired = sum(
        governance.content_retire(obj=obj, actor=request.user, request=request) for obj in queryset
    )
    modeladmin.message_user(
        request,
        ngettext(
            "Retired %(n)d item. Patients' answers and reading records are kept.",
            "Retired %(n)d items. Patients' answers and reading records are kept.",
            retired,
        )
        % {"n": retired},
        messages.SUCCESS,
    )


class LibraryPermissions:
    """Library editors and superusers only, on top of Django's permissions (a
    clinic admin gets 403, whatever groups their account is in); a row is
    deleted only while nothing a patient could have seen points at it. Mixed
    into the library's admins and inlines."""

    def has_view_permission(self, request, obj=None):
        return governance.may_edit_library(request.user) and super().has_view_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return governance.may_edit_library(request.user) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        if not governance.may_edit_library(request.user):
            return False
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or governance.content_may_delete(obj)


class LibraryAdmin(LibraryPermissions, admin.ModelAdmin):
    """The shared library: library editors and superusers only; no bulk delete
    at all."""

    def has_module_permission(self, request):
        return governance.may_edit_library(request.user) and super().has_module_permission(request)

    def has_add_permission(self, request):
        return governance.may_edit_library(request.user) and super().has_add_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Library content goes only in library stages, never in a clinic's own.
        if db_field.related_model is Module:
            kwargs.setdefault("queryset", Module.objects.filter(clinic__isnull=True))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # One event per save of the form, after its inlines: field names only.
        governance.content_audit(
            action="saved",
            obj=form.instance,
            actor=request.user,
            request=request,
            created=not change,
            fields=self.audited_fields(form),
            parts=sorted(fs.prefix for fs in formsets if fs.has_changed()),
        )

    def audited_fields(self, form) -> list[str]:
        return sorted(form.changed_data)

    def delete_model(self, request, obj):
        detail = {"model": obj._meta.label_lower, "id": obj.pk, "title": str(obj)[:80]}
        super().delete_model(request, obj)
        audit_record(
            action="education.content.deleted", actor=request.user, request=request, detail=detail
        )

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions


class LibraryInline(LibraryPermissions):
    """An inline of library content: library editors only; rows are deleted
    only while the parent was never published and no patient record points
    at it."""

    def has_add_permission(self, request, obj):
        return governance.may_edit_library(request.user) and super().has_add_permission(
            request, obj
        )


class AllRowsInlineFormSet(BaseInlineFormSet):
    """Edits retired rows too (the default manager hides them from patients)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk_name = self.model._meta.pk.name
        if hasattr(form.fields.get(pk_name), "queryset"):
            form.fields[pk_name].queryset = self.model.all_objects.all()


class RetirableInline(LibraryInline):
    formset = AllRowsInlineFormSet

    def get_queryset(self, request):
        queryset = self.model.all_objects.all()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset


class VersionedAdmin(LibraryAdmin):
    actions = [publish, unpublish, retire]
    list_filter = ["status"]
    readonly_fields = ["status", "version", "published_at", "retired_at", "updated_at"]

    @admin.display(description=_("version"))
    def version_badge(self, obj):
        return f"v{obj.version}" if obj.version else "—"
