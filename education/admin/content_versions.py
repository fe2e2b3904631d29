"""Published versions of quizzes, checklists, stages and pathways in the admin:
read-only, never changed or deleted, each with its difference from the
version before and a comparison of any two.

Library editors see the library's versions; a clinic admin sees only their
own clinic's stage versions (another clinic's and the library's answer 404
here).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from portal.admin import RecordAdminMixin

from .. import drafting, governance
from ..models import Checklist, ClinicModule, ContentVersion, Module, Pathway, Quiz
from ..publishing import text_diff_html

VERSIONED_MODELS = (Quiz, Checklist, Module, Pathway)


def versions_url(obj) -> str:
    """The list of ``obj``'s published versions."""
    content_type = ContentType.objects.get_for_model(obj)
    query = urlencode({"content_type": content_type.pk, "object_id": obj.pk})
    return f"{reverse('admin:education_contentversion_changelist')}?{query}"


def compare_url(content_type_id: int, object_id: int, old: int, new: int) -> str:
    url = reverse("admin:education_contentversion_compare", args=[content_type_id, object_id])
    return f"{url}?{urlencode({'from': old, 'to': new})}"


def version_diff_html(old: ContentVersion, new: ContentVersion):
    """What patients saw change from ``old`` to ``new``, as escaped HTML."""
    model = new.content_type.model_class()
    return text_diff_html(
        drafting.payload_text(model, old.payload),
        drafting.payload_text(model, new.payload),
        old_name=f"v{old.version}",
        new_name=f"v{new.version}",
    )


class KindFilter(admin.SimpleListFilter):
    title = _("kind of content")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(model._meta.model_name, model._meta.verbose_name) for model in VERSIONED_MODELS]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(content_type__model=self.value())
        return queryset


@admin.register(ContentVersion)
class ContentVersionAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Published versions are kept as they were: no change, no delete."""

    actions = None
    list_display = ["title", "kind", "version_label", "approver_name", "edited_by", "published_at"]
    list_filter = [KindFilter]
    list_select_related = ["content_type", "edited_by"]
    search_fields = ["title", "change_note"]
    fields = [
        "content_link",
        "version",
        "title",
        "change_note",
        "edited_by",
        "approver_name",
        "published_at",
        "content_hash",
        "content_text",
        "changes",
    ]
    readonly_fields = fields

    def allowed(self, request):
        user = request.user
        return governance.may_edit_library(user) or governance.may_edit_clinic_content(user)

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        return {}

    def get_queryset(self, request):
        """A superuser sees every version; a library editor the library's; a
        clinic admin their own clinic's."""
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        if governance.may_edit_library(user):
            return queryset.filter(clinic__isnull=True)
        return queryset.filter(clinic_id=user.clinic_id)

    def get_object(self, request, object_id, from_field=None):
        """Another clinic's or the library's version does not exist here for a
        clinic admin; a role that may never open these pages gets 403 first."""
        if not self.allowed(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def lookup_allowed(self, lookup, value, request=None):
        # The object's page links to its versions: ?content_type=..&object_id=..
        return lookup in ("content_type", "object_id") or super().lookup_allowed(
            lookup, value, request
        )

    @admin.display(description=_("kind of content"))
    def kind(self, obj):
        return obj.content_type.model_class()._meta.verbose_name

    @admin.display(description=_("version"), ordering="version")
    def version_label(self, obj):
        return f"v{obj.version}"

    @admin.display(description=_("content"))
    def content_link(self, obj):
        target = obj.content_object
        if target is None:
            return "—"
        opts = target._meta
        if isinstance(target, Module) and target.clinic_id is not None:
            opts = ClinicModule._meta
        return format_html(
            '<a href="{}">{} “{}”</a> · {} · <a href="{}">{}</a>',
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk]),
            opts.verbose_name,
            target,
            _gettext("patients see version %(n)s") % {"n": target.version},
            versions_url(target),
            _("All its versions"),
        )

    @admin.display(description=_("what patients saw"))
    def content_text(self, obj):
        text = drafting.payload_text(obj.content_type.model_class(), obj.payload)
        return format_html('<pre class="content-diff">{}</pre>', text)

    @admin.display(description=_("changes from the version before"))
    def changes(self, obj):
        before = (
            ContentVersion.objects.filter(
                content_type_id=obj.content_type_id,
                object_id=obj.object_id,
                version__lt=obj.version,
            )
            .order_by("-version")
            .first()
        )
        if before is None:
            return _("The first version kept.")
        return format_html(
            '{}<p><a href="{}">{}</a></p>',
            version_diff_html(before, obj),
            compare_url(obj.content_type_id, obj.object_id, before.version, obj.version),
            _("Compare other versions"),
        )

    def get_urls(self):
        return [
            path(
                "compare/<int:content_type_id>/<int:object_id>/",
                self.admin_site.admin_view(self.compare_view),
                name="education_contentversion_compare",
            ),
            *super().get_urls(),
        ]

    def compare_view(self, request, content_type_id, object_id):
        """The difference between any two versions of one quiz, checklist,
        stage or pathway: ``?from=1&to=3``."""
        if not self.allowed(request):
            raise PermissionDenied
        versions = list(
            self.get_queryset(request)
            .filter(content_type_id=content_type_id, object_id=object_id)
            .order_by("version")
        )
        if not versions:
            raise Http404
        try:
            numbers = [int(request.GET.get(key, "")) for key in ("from", "to")]
        except ValueError:
            return HttpResponseBadRequest(_gettext("Give two version numbers: ?from=1&to=2"))
        by_number = {version.version: version for version in versions}
        missing = [n for n in numbers if n not in by_number]
        if missing:
            return HttpResponseBadRequest(
                _gettext("“%(title)s” has no kept version %(n)s.")
                % {"title": versions[-1].title, "n": missing[0]}
            )
        old, new = (by_number[n] for n in numbers)
        context = {
            **self.admin_site.each_context(request),
            "title": _gettext("%(title)s: v%(a)s compared with v%(b)s")
            % {"title": new.title, "a": old.version, "b": new.version},
            "diff": version_diff_html(old, new),
            "versions": versions,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/education/lessonversion/compare.html", context)
