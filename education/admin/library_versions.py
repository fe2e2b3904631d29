"""Library versions (read-only, never deleted) and the one each clinic follows.

Library editors and clinic admins see the list of library versions with what
each changed. A clinic admin opens "Clinic's library version" to pin their
clinic to a version, or to follow the latest, after reading what would change
for their patients. Another clinic's choice answers 404.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import RecordAdminMixin

from .. import governance, library_versions, publishing
from ..models import ClinicLibrary, LessonVersion, LibraryVersion, library_version_floor


def _changes_table(older, newer):
    changes = library_versions.library_version_changes(older, newer)
    if not changes:
        return _("No lesson changed.")
    labels = {
        "added": _gettext("added (v%(to)s)"),
        "updated": _gettext("updated (v%(from)s → v%(to)s)"),
        "removed": _gettext("taken out (was v%(from)s)"),
    }
    rows = [
        (
            change["title"],
            labels[change["kind"]] % {"from": change["from_version"], "to": change["to_version"]},
        )
        for change in changes
    ]
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", rows))


@admin.action(description=_("Mark as a correction every clinic reads (it corrects a fact)"))
def mark_correction(modeladmin, request, queryset):
    if not governance.may_edit_library(request.user):
        raise PermissionDenied
    if queryset.count() != 1:
        modeladmin.message_user(request, _gettext("Choose one library version."), messages.ERROR)
        return
    version = queryset.get()
    library_versions.library_version_mark_correction(
        version=version, note=version.change_note, actor=request.user, request=request
    )
    modeladmin.message_user(
        request,
        _gettext(
            "Library version %(number)s is a correction: every clinic reads it or a newer "
            "version, including clinics pinned to an older one."
        )
        % {"number": version.number},
        messages.SUCCESS,
    )


@admin.register(LibraryVersion)
class LibraryVersionAdmin(RecordAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "published_at",
        "approver_name",
        "change_note",
        "lesson_count",
        "is_correction",
    ]
    fields = ["number", "published_at", "approver_name", "change_note", "correction", "changes"]
    readonly_fields = fields
    ordering = ["-number"]
    list_select_related = ["correction"]

    def allowed(self, request):
        user = request.user
        return governance.may_edit_library(user) or governance.may_edit_clinic_content(user)

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        if not governance.may_edit_library(request.user):
            return {}
        return {
            "mark_correction": (
                mark_correction,
                "mark_correction",
                mark_correction.short_description,
            )
        }

    @admin.display(description=_("correction"), boolean=True)
    def is_correction(self, obj):
        return hasattr(obj, "correction")

    @admin.display(description=_("correction"))
    def correction(self, obj):
        correction = getattr(obj, "correction", None)
        if correction is None:
            return _("No: a clinic may pin an older version.")
        return format_html(
            "{} ({}, {})", correction.note, correction.marked_by_name, correction.marked_at.date()
        )

    @admin.display(description=_("library lessons"))
    def lesson_count(self, obj):
        return len(obj.lessons)

    @admin.display(description=_("changes from the version before"))
    def changes(self, obj):
        before = LibraryVersion.objects.filter(number__lt=obj.number).order_by("-number").first()
        return _changes_table(before, obj)


class ClinicLibraryForm(forms.ModelForm):
    class Meta:
        model = ClinicLibrary
        fields = ["version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        versions = LibraryVersion.objects.order_by("-number")
        floor = library_version_floor()
        if floor is not None:
            # Older versions hold a fact a later version corrects.
            versions = versions.filter(number__gte=floor.number)
            field.help_text = _gettext(
                "Versions older than %(number)s are not offered: version %(number)s corrects "
                "a fact."
            ) % {"number": floor.number}
        field.queryset = versions
        field.empty_label = _gettext("Follow the latest library version")
        field.label = _gettext("Library version your patients read")


@admin.register(ClinicLibrary)
class ClinicLibraryAdmin(admin.ModelAdmin):
    """A clinic admin's own clinic only (the list opens it); superusers see
    every clinic's choice. Saving goes through the service, so it is audited
    and the clinic's patient pages change at once."""

    form = ClinicLibraryForm
    list_display = ["clinic", "reads", "chosen_by", "chosen_at"]
    list_select_related = ["clinic", "version", "chosen_by"]
    readonly_fields = ["clinic", "reads", "latest", "what_would_change"]

    def _may(self, request, obj=None) -> bool:
        return governance.may_edit_clinic_content(
            request.user, None if obj is None else obj.clinic_id
        )

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        return {}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(clinic_id=request.user.clinic_id)

    def get_object(self, request, object_id, from_field=None):
        if not self._may(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def changelist_view(self, request, extra_context=None):
        """A clinic admin has one clinic: open its choice (made on first
        visit, following the latest)."""
        user = request.user
        if self._may(request) and not user.is_superuser and user.clinic_id:
            choice = library_versions.clinic_library_choice(clinic_id=user.clinic_id)
            return HttpResponseRedirect(
                reverse("admin:education_cliniclibrary_change", args=[choice.pk])
            )
        # Superusers see the clinics that chose; the others follow the latest.
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        # The form offers no version older than the newest correction; the
        # service refuses one all the same.
        library_versions.clinic_library_choose(
            clinic=obj.clinic, version=obj.version, actor=request.user, request=request
        )

    def save_related(self, request, form, formsets, change):
        pass

    def log_change(self, request, obj, message):
        return None  # audited by the service as education.library.chosen

    def response_change(self, request, obj):
        obj.refresh_from_db()
        messages.success(request, _gettext("Saved: %(choice)s.") % {"choice": obj})
        return HttpResponseRedirect(request.path)

    @admin.display(description=_("reads"))
    def reads(self, obj):
        read = obj.version_read(library_version_floor())
        if read is None:
            return _gettext("the latest library version")
        if read != obj.version:
            return _gettext("%(floor)s (a correction; pinned: %(pinned)s)") % {
                "floor": read,
                "pinned": obj.version,
            }
        return str(obj.version)

    @admin.display(description=_("latest library version"))
    def latest(self, obj):
        latest = library_versions.library_version_latest()
        if latest is None:
            return "—"
        return format_html(
            "{} ({}, {})",
            latest,
            latest.published_at.date(),
            latest.change_note or "—",
        )

    @admin.display(description=_("what your patients would see change with the latest"))
    def what_would_change(self, obj):
        """Each lesson that differs between the pinned version and the
        latest, with the difference in its text."""
        latest = library_versions.library_version_latest()
        if obj.version_id is None or latest is None:
            return _("Nothing: your clinic follows the latest library version.")
        if obj.version.number == latest.number:
            return _("Nothing: your clinic reads the latest library version.")
        changes = library_versions.library_version_changes(obj.version, latest)
        wanted = {
            (c["lesson_id"], v)
            for c in changes
            if c["kind"] == "updated"
            for v in (c["from_version"], c["to_version"])
        }
        versions = {
            (v.lesson_id, v.version): v
            for v in LessonVersion.objects.filter(
                lesson_id__in={pk for pk, _v in wanted}
            ).select_related("therapy")
            if (v.lesson_id, v.version) in wanted
        }
        parts = [_changes_table(obj.version, latest)]
        for change in changes:
            if change["kind"] != "updated":
                continue
            old = versions.get((change["lesson_id"], change["from_version"]))
            new = versions.get((change["lesson_id"], change["to_version"]))
            if old is None or new is None:
                continue
            parts.append(
                format_html(
                    "<details><summary>{}</summary>{}</details>",
                    change["title"],
                    publishing.content_diff_html(
                        old, new, old_name=f"v{old.version}", new_name=f"v{new.version}"
                    ),
                )
            )
        return format_html_join("", "{}", ((part,) for part in parts))
