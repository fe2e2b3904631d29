"""A clinic's own additions, for that clinic's admin: its stages, their
lessons and its checklist items. A clinic admin sees, adds and changes only
their own clinic's (another clinic's and the library's answer 404 here; the
library's own pages answer 403). They publish alone, through the same drafts
and content rules as the library: an edit of a published stage or lesson, or
of an existing checklist item, is a draft their patients do not see until they
publish it. Every change is audited under the clinic."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import drafting, governance, publishing
from ..models import (
    Checklist,
    ClinicChecklistItem,
    ClinicLesson,
    ClinicModule,
    PublishStatus,
    content_clinic_id,
)
from ..services.errors import EducationError
from . import base
from .base import LibraryAdmin, VersionedAdmin
from .content_drafts import DraftedAdminMixin, clinic_drafts_publish
from .lessons import LessonAdmin, LessonAdminForm, LessonSourceInline, PastReviewDateFilter


class ClinicOwnedAdmin:
    """Permissions and rows of a clinic's own content (before a library admin
    in the bases): the clinic admin of the owning clinic, or a superuser."""

    clinic_lookup = "clinic"

    def _may(self, request, obj=None) -> bool:
        clinic_id = None if obj is None else content_clinic_id(obj)
        return governance.may_edit_clinic_content(request.user, clinic_id)

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj) and (obj is None or governance.content_may_delete(obj))

    def scope(self, queryset, request):
        if request.user.is_superuser:
            return queryset.filter(**{f"{self.clinic_lookup}__isnull": False})
        return queryset.filter(**{self.clinic_lookup: request.user.clinic_id})

    def get_queryset(self, request):
        return self.scope(super().get_queryset(request), request)

    def get_object(self, request, object_id, from_field=None):
        """Another clinic's or the library's content does not exist here (a
        role that may never open these pages is refused first, with 403)."""
        if not self._may(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self.clinic_lookup == "clinic" and not request.user.is_superuser:
            fields = [name for name in fields if name != "clinic"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "clinic"] if obj is not None and self.clinic_lookup == "clinic" else fields

    def save_model(self, request, obj, form, change):
        if not change and self.clinic_lookup == "clinic" and not request.user.is_superuser:
            obj.clinic_id = request.user.clinic_id
        super().save_model(request, obj, form, change)


class ClinicLessonInline(admin.TabularInline):
    """The stage's lessons in order; the order is the only thing changed here
    (a published stage's new order is part of its draft)."""

    model = ClinicLesson
    extra = 0
    fields = ["order", "title", "evidence_label", "status", "version"]
    readonly_fields = ["title", "evidence_label", "status", "version"]
    ordering = ["order"]
    show_change_link = True
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return governance.may_edit_clinic_content(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        clinic_id = None if obj is None else obj.clinic_id
        return governance.may_edit_clinic_content(request.user, clinic_id)


# --- Publishing and withdrawing drafts, alone ------------------------------------

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


@admin.action(
    description=_("Publish selected (with their drafts)"), permissions=["change"], location=BOTH
)
def publish(modeladmin, request, queryset):
    """A stage with an open draft publishes the draft as its next version; a
    never-published stage is published as the library's are."""
    without = clinic_drafts_publish(modeladmin, request, queryset)
    if without:
        base.publish(modeladmin, request, queryset.filter(pk__in=[obj.pk for obj in without]))


@admin.action(description=_("Publish selected drafts"), permissions=["change"], location=BOTH)
def publish_drafts(modeladmin, request, queryset):
    without = clinic_drafts_publish(modeladmin, request, queryset)
    if without:
        modeladmin.message_user(
            request,
            _("No draft to publish: %(titles)s.") % {"titles": ", ".join(map(str, without))},
            messages.WARNING,
        )


@admin.action(description=_("Withdraw selected drafts"), permissions=["change"], location=BOTH)
def withdraw_drafts(modeladmin, request, queryset):
    """Drop the open drafts; patients keep seeing what they see."""
    withdrawn = 0
    for obj in queryset:
        draft = drafting.content_open_draft(obj)
        if draft is not None:
            drafting.content_draft_withdraw(draft=draft, actor=request.user, request=request)
            withdrawn += 1
    modeladmin.message_user(
        request,
        _("Drafts withdrawn: %(n)d. Your patients still see the published content.")
        % {"n": withdrawn},
        messages.SUCCESS,
    )


class ClinicDraftedAdmin(DraftedAdminMixin):
    """A clinic's own content with drafts: the list says which have one."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_draft=drafting.open_draft_exists(self.model))
        )

    @admin.display(description=_("open draft"), boolean=True)
    def has_draft(self, obj):
        return obj.open_draft


@admin.register(ClinicModule)
class ClinicModuleAdmin(ClinicOwnedAdmin, ClinicDraftedAdmin, VersionedAdmin):
    """A clinic's own stage: once published, an edit of its text is its
    draft, published by the clinic's admin alone."""

    actions = [publish, base.unpublish, base.retire, withdraw_drafts]
    locked_fields = ("slug", "clinic")
    list_display = ["title", "clinic", "status", "version_badge", "has_draft", "estimated_minutes"]
    list_select_related = ["clinic"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "clinic",
        "title",
        "slug",
        "summary",
        "learning_objectives",
        "estimated_minutes",
        "teach_back",
        "status",
        "version",
        "published_at",
        "retired_at",
    ]
    inlines = [ClinicLessonInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "clinic":
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ClinicLessonAdminForm(LessonAdminForm):
    submit_for_review = forms.BooleanField(
        label=_("Publish now"),
        required=False,
        help_text=_(
            "Your clinic's patients see it as soon as it is saved, if it meets the content rules."
        ),
    )


class ClinicLessonSourceInline(LessonSourceInline):
    def _may(self, request, obj):
        clinic_id = None if obj is None else content_clinic_id(obj)
        return governance.may_edit_clinic_content(request.user, clinic_id)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request, obj):
        return self._may(request, obj) and not (obj is not None and obj.was_published)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj) and (obj is None or governance.content_may_delete(obj))


@admin.register(ClinicLesson)
class ClinicLessonAdmin(ClinicOwnedAdmin, LessonAdmin):
    """A clinic's lesson: edits of a published one are its draft, published
    by the clinic admin alone ("Publish now"), when the content rules hold."""

    clinic_lookup = "module__clinic"
    form = ClinicLessonAdminForm
    list_filter = ["status", PastReviewDateFilter, "evidence_label"]
    autocomplete_fields = []
    inlines = [ClinicLessonSourceInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "module":
            modules = ClinicModule.objects.exclude(status=PublishStatus.RETIRED)
            if request.user.is_superuser:
                modules = modules.filter(clinic__isnull=False)
            else:
                modules = modules.filter(clinic_id=request.user.clinic_id)
            kwargs["queryset"] = modules
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def draft_saved(self, request, draft, *, publish: bool) -> None:
        if not publish:
            self.message_user(
                request,
                _("Saved as a draft: your patients see it once you publish it."),
                messages.INFO,
            )
            return
        try:
            publishing.lesson_draft_publish(draft=draft, actor=request.user, request=request)
        except EducationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request, _("Published: your clinic's patients see it now."), messages.SUCCESS
            )

    @admin.display(description=_("draft"))
    def draft_state(self, obj):
        draft = getattr(obj, "_draft", None)
        if draft is None:
            return _("No open draft: the form shows the published text.")
        return _("Saved, not published yet. Tick “Publish now” and save to publish it.")

    @admin.display(description=_("versions"))
    def version_history(self, obj):
        rows = [
            (f"v{v.version}", v.published_at.date(), v.approver_name, v.change_note or "—")
            for v in obj.versions.all()
        ]
        if not rows:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} · {} · {}</li>", rows))


@admin.register(ClinicChecklistItem)
class ClinicChecklistItemAdmin(ClinicOwnedAdmin, ClinicDraftedAdmin, LibraryAdmin):
    """A clinic's own checklist items, shown to its patients after the
    library's items of the same checklist. A new item shows as soon as it is
    added; an edit of an existing one (retiring it too) is its draft,
    published by the clinic's admin alone."""

    actions = [publish_drafts, withdraw_drafts]
    locked_fields = ("checklist", "slug")
    list_display = ["text", "checklist", "clinic", "kind", "required", "has_draft", "retired_at"]
    list_select_related = ["checklist", "clinic"]
    search_fields = ["text", "slug"]
    prepopulated_fields = {"slug": ["text"]}
    fields = [
        "clinic",
        "checklist",
        "order",
        "kind",
        "slug",
        "text",
        "help_text",
        "required",
        "ok_answer",
        "retired_at",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "checklist":
            kwargs["queryset"] = Checklist.objects.filter(status=PublishStatus.PUBLISHED)
        if db_field.name == "clinic":
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def delete_model(self, request, obj):
        # Only an item nobody answered is deleted; its open draft goes with it.
        draft = drafting.content_open_draft(obj)
        if draft is not None:
            drafting.content_draft_withdraw(draft=draft, actor=request.user, request=request)
        super().delete_model(request, obj)
