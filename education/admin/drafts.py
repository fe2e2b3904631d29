"""Lesson drafts (review, approve and publish) and the published versions
(read-only, never deleted), with their patient previews and differences."""

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import RecordAdminMixin

from .. import governance, publishing
from ..models import Lesson, LessonDraft, LessonVersion
from ..services.errors import EducationError
from ..views.preview import render_content_preview

BOTH = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


class LibraryRecordAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Library editors and superusers only; nothing is added or deleted here."""

    def allowed(self, request):
        return governance.may_edit_library(request.user)

    def get_queryset(self, request):
        # A clinic's own lessons are its admin's (under "Clinic lessons").
        return super().get_queryset(request).filter(lesson__module__clinic__isnull=True)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions


def _run(modeladmin, request, queryset, service, done):
    for draft in queryset.select_related("lesson"):
        try:
            service(draft=draft, actor=request.user, request=request)
        except EducationError as error:
            modeladmin.message_user(request, f"“{draft.title}”: {error}", messages.ERROR)
        else:
            modeladmin.message_user(request, done % {"title": draft.title}, messages.SUCCESS)


@admin.action(description=_("Submit for review"), permissions=["change"], location=BOTH)
def submit(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, publishing.lesson_draft_submit, _("“%(title)s” submitted."))


@admin.action(description=_("Approve and publish"), permissions=["change"], location=BOTH)
def approve_and_publish(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        publishing.lesson_draft_publish,
        _("“%(title)s” is published as a new version."),
    )


@admin.action(description=_("Withdraw"), permissions=["change"], location=BOTH)
def withdraw(modeladmin, request, queryset):
    _run(
        modeladmin, request, queryset, publishing.lesson_draft_withdraw, _("“%(title)s” withdrawn.")
    )


@admin.register(LessonDraft)
class LessonDraftAdmin(LibraryRecordAdmin):
    actions = [submit, approve_and_publish, withdraw]
    list_display = ["title", "lesson", "state", "edited_by", "edited_at", "submitted_at"]
    list_filter = ["state"]
    list_select_related = ["lesson", "edited_by"]
    search_fields = ["title", "lesson__title"]
    fields = [
        "lesson",
        "state",
        "change_note",
        "edited_by",
        "edited_at",
        "submitted_at",
        "published_version",
        "rule_problems",
        "preview_link",
        "changes",
    ]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return self.allowed(request)

    @admin.display(description=_("content rules"))
    def rule_problems(self, obj):
        problems = publishing.content_rule_problems(obj)
        if not problems:
            return _("All met: it may be published.")
        return format_html_join("", "<p class='errornote'>{}</p>", ((p,) for p in problems))

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:education_lessondraft_preview", args=[obj.pk]),
            _("Preview as a patient"),
        )

    @admin.display(description=_("changes from the published version"))
    def changes(self, obj):
        lesson = Lesson.objects.select_related("therapy").get(pk=obj.lesson_id)
        return publishing.content_diff_html(
            lesson, obj, old_name=f"v{lesson.version}", new_name=_gettext("draft")
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="education_lessondraft_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        draft = get_object_or_404(
            self.get_queryset(request).select_related("lesson__module"), pk=object_id
        )
        note = _gettext("Preview of a draft (%(state)s). Patients do not see it.") % {
            "state": draft.get_state_display()
        }
        return render_content_preview(request, lesson=draft.lesson, content=draft, note=note)


@admin.register(LessonVersion)
class LessonVersionAdmin(LibraryRecordAdmin):
    """Published versions are kept as they were: no change, no delete."""

    actions = None
    list_display = ["lesson", "version", "approver_name", "edited_by", "published_at"]
    list_select_related = ["lesson", "edited_by"]
    search_fields = ["title", "lesson__title", "change_note"]
    fields = [
        "lesson",
        "version",
        "title",
        "evidence_label",
        "therapy",
        "key_points",
        "body",
        "sources",
        "content_hash",
        "change_note",
        "edited_by",
        "approver_name",
        "published_at",
        "preview_link",
        "changes",
    ]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:education_lessonversion_preview", args=[obj.pk]),
            _("Preview as a patient"),
        )

    @admin.display(description=_("changes from the version before"))
    def changes(self, obj):
        before = obj.lesson.versions.filter(version__lt=obj.version).first()
        if before is None:
            return _("The first version.")
        return format_html(
            '{}<p><a href="{}?from={}&amp;to={}">{}</a></p>',
            publishing.content_diff_html(
                before, obj, old_name=f"v{before.version}", new_name=f"v{obj.version}"
            ),
            reverse("admin:education_lessonversion_compare", args=[obj.lesson_id]),
            1,
            obj.version,
            _("Compare other versions"),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="education_lessonversion_preview",
            ),
            path(
                "compare/<int:lesson_id>/",
                self.admin_site.admin_view(self.compare_view),
                name="education_lessonversion_compare",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        version = get_object_or_404(
            self.get_queryset(request).select_related("lesson__module"), pk=object_id
        )
        note = _gettext("Preview of version %(n)s, published %(date)s.") % {
            "n": version.version,
            "date": version.published_at.date(),
        }
        return render_content_preview(request, lesson=version.lesson, content=version, note=note)

    def compare_view(self, request, lesson_id):
        """The difference between any two versions: ``?from=1&to=3``."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        lesson = get_object_or_404(Lesson, pk=lesson_id, module__clinic__isnull=True)
        try:
            numbers = [int(request.GET.get(key, "")) for key in ("from", "to")]
        except ValueError:
            return HttpResponseBadRequest(_gettext("Give two version numbers: ?from=1&to=2"))
        versions = {v.version: v for v in lesson.versions.filter(version__in=numbers)}
        missing = [n for n in numbers if n not in versions]
        if missing:
            return HttpResponseBadRequest(
                _gettext("This lesson has no version %(n)s.") % {"n": missing[0]}
            )
        old, new = (versions[n] for n in numbers)
        context = {
            **self.admin_site.each_context(request),
            "title": _gettext("%(lesson)s: v%(a)s compared with v%(b)s")
            % {"lesson": lesson.title, "a": old.version, "b": new.version},
            "diff": publishing.content_diff_html(
                old, new, old_name=f"v{old.version}", new_name=f"v{new.version}"
            ),
            "versions": lesson.versions.all(),
            "lesson": lesson,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/education/lessonversion/compare.html", context)
