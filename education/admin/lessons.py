"""Lessons in the admin. A lesson that was ever published is not edited in
place: its title, evidence, key points, body and sources are saved as the
lesson's draft, which another library editor approves and publishes."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .. import publishing
from ..models import Lesson, LessonSource
from ..models.versions import sources_parse
from ..readability import lesson_readability
from .base import LibraryInline, VersionedAdmin

# Form fields of a published lesson's draft that are not lesson fields.
DRAFT_ONLY_FIELDS = ("draft_sources", "change_note", "submit_for_review")


def lesson_preview_url(lesson: Lesson) -> str:
    return reverse("preview:lesson", args=[lesson.pk])


class LessonAdminForm(forms.ModelForm):
    draft_sources = forms.CharField(
        label=_("sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: title | https://address"),
    )
    change_note = forms.CharField(
        label=_("change note"),
        required=False,
        max_length=300,
        help_text=_("What changed and why, for the version history (editors only)."),
    )
    submit_for_review = forms.BooleanField(
        label=_("Submit for review"),
        required=False,
        help_text=_("Another library editor then approves and publishes it."),
    )

    class Meta:
        model = Lesson
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk or not self.instance.was_published:
            for name in DRAFT_ONLY_FIELDS:
                self.fields.pop(name, None)
            return
        draft = getattr(self.instance, "_draft", None)
        if draft is not None:
            self.fields["draft_sources"].initial = draft.sources
            self.fields["change_note"].initial = draft.change_note
        else:
            self.fields["draft_sources"].initial = publishing.lesson_sources_text(self.instance)

    def clean_draft_sources(self):
        value = self.cleaned_data["draft_sources"]
        validate = URLValidator(schemes=["https", "http"])
        for number, (title, url) in enumerate(sources_parse(value), start=1):
            try:
                validate(url)
            except ValidationError as error:
                raise ValidationError(
                    _("Line %(n)s needs a title, a bar and a web address: title | https://…")
                    % {"n": number}
                ) from error
            if not title:
                raise ValidationError(_("Line %(n)s has no title.") % {"n": number})
        return value


class LessonSourceInline(LibraryInline, admin.TabularInline):
    """Sources of a published lesson change through its draft; their editor
    notes stay editable here."""

    model = LessonSource
    extra = 1
    fields = ["order", "title", "url", "editor_note"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.was_published:
            return ["order", "title", "url"]
        return []

    def has_add_permission(self, request, obj):
        if obj is not None and obj.was_published:
            return False
        return super().has_add_permission(request, obj)


class PastReviewDateFilter(admin.SimpleListFilter):
    title = _("review date")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("past", _("Past review date")), ("none", _("No review date"))]

    def queryset(self, request, queryset):
        if self.value() == "past":
            return queryset.filter(review_by__lt=timezone.localdate())
        if self.value() == "none":
            return queryset.filter(review_by__isnull=True)
        return queryset


@admin.register(Lesson)
class LessonAdmin(VersionedAdmin):
    form = LessonAdminForm
    list_display = [
        "title",
        "module",
        "evidence_label",
        "status",
        "version_badge",
        "reading_grade",
        "longest_sentence",
        "content_warnings",
        "review_by",
    ]
    list_filter = ["status", PastReviewDateFilter, "evidence_label", "module"]
    search_fields = ["title", "slug", "body"]
    list_select_related = ["module"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["therapy"]
    inlines = [LessonSourceInline]
    readonly_fields = [
        "reading_grade",
        "longest_sentence",
        "content_warnings",
        "preview_link",
        "draft_state",
        "draft_changes",
        "version_history",
        *VersionedAdmin.readonly_fields,
    ]
    _checks = (
        _("Readability and checks"),
        {"fields": ["reading_grade", "longest_sentence", "content_warnings"]},
    )
    _editors = (
        _("For editors (never shown to patients)"),
        {"fields": ["editor_note", "facts_checked_on", "review_by"]},
    )
    fieldsets = [
        (None, {"fields": ["module", "order", "title", "slug", "status"]}),
        (_("Evidence"), {"fields": ["evidence_label", "therapy"]}),
        (_("Text"), {"fields": ["key_points", "body"]}),
        _editors,
        _checks,
        (
            _("Publishing"),
            {"fields": ["preview_link", "version", "published_at", "retired_at", "updated_at"]},
        ),
    ]
    published_fieldsets = [
        (None, {"fields": ["module", "order", "slug", "status"]}),
        (
            _("Draft: patients see none of this until it is approved and published"),
            {
                "fields": [
                    "title",
                    "evidence_label",
                    "therapy",
                    "key_points",
                    "body",
                    "draft_sources",
                    "change_note",
                    "submit_for_review",
                    "draft_state",
                    "draft_changes",
                ],
                "description": _(
                    "Saving keeps these as the lesson's draft. Another library editor "
                    "approves and publishes it from Lesson drafts; patients read the "
                    "published version until then."
                ),
            },
        ),
        _editors,
        _checks,
        (
            _("Publishing"),
            {
                "fields": [
                    "preview_link",
                    "version",
                    "version_history",
                    "published_at",
                    "retired_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.was_published:
            return self.published_fieldsets
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.was_published:
            # Its place in the stage is part of the stage's draft.
            fields += ["module", "slug", "order"]
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and obj.was_published else self.prepopulated_fields

    def get_queryset(self, request):
        return self.scope(super().get_queryset(request), request).prefetch_related("sources")

    def scope(self, queryset, request):
        """The library's lessons (clinics' own are under "Clinic lessons")."""
        return queryset.filter(module__clinic__isnull=True)

    def get_object(self, request, object_id, from_field=None):
        """A published lesson shows its open draft's text in the form."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and obj.was_published:
            obj._draft = publishing.lesson_open_draft(obj)
            if obj._draft is not None:
                for name in publishing.DRAFT_FIELDS:
                    setattr(obj, name, getattr(obj._draft, name))
        return obj

    def save_model(self, request, obj, form, change):
        if not (change and obj.was_published):
            super().save_model(request, obj, form, change)
            return
        values = {name: form.cleaned_data[name] for name in publishing.DRAFT_FIELDS}
        published = Lesson.objects.get(pk=obj.pk)
        for name in publishing.DRAFT_FIELDS:
            setattr(obj, name, getattr(published, name))
        super().save_model(request, obj, form, change)
        draft = publishing.lesson_draft_save(
            lesson=obj,
            values=values,
            sources=form.cleaned_data["draft_sources"],
            change_note=form.cleaned_data["change_note"],
            actor=request.user,
            request=request,
        )
        if draft is not None:
            self.draft_saved(request, draft, publish=form.cleaned_data["submit_for_review"])

    def draft_saved(self, request, draft, *, publish: bool) -> None:
        """The library: ticked, the draft goes to review by another editor."""
        if publish and draft.state == draft.State.DRAFT:
            publishing.lesson_draft_submit(draft=draft, actor=request.user, request=request)
        self.message_user(
            request,
            _(
                "Your changes are saved as a draft. Patients see them only after another "
                "library editor approves and publishes it."
            ),
            messages.INFO,
        )

    def audited_fields(self, form) -> list[str]:
        if form.instance.was_published:
            skipped = {*publishing.DRAFT_FIELDS, *DRAFT_ONLY_FIELDS}
            return sorted(set(form.changed_data) - skipped)
        return super().audited_fields(form)

    @staticmethod
    def _readability(obj):
        # Measured once per row; the three columns share it.
        if not hasattr(obj, "_readability"):
            obj._readability = lesson_readability(obj)
        return obj._readability

    @admin.display(description=_("reading grade"))
    def reading_grade(self, obj):
        return self._readability(obj).grade if obj.pk else "—"

    @admin.display(description=_("longest sentence (words)"))
    def longest_sentence(self, obj):
        return self._readability(obj).longest_sentence if obj.pk else "—"

    @admin.display(description=_("warnings"))
    def content_warnings(self, obj):
        if not obj.pk:
            return "—"
        warnings = self._readability(obj).warnings
        if not warnings:
            return _("None")
        return format_html_join("", "<p class='errornote'>{}</p>", ((w,) for w in warnings))

    @admin.display(description=_("preview"))
    def preview_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            lesson_preview_url(obj),
            _("Preview as a patient"),
        )

    @admin.display(description=_("draft"))
    def draft_state(self, obj):
        draft = getattr(obj, "_draft", None)
        if draft is None:
            return _("No open draft: the form shows the published text.")
        return format_html(
            '{} · <a href="{}">{}</a> · <a href="{}">{}</a>',
            draft.get_state_display(),
            reverse("admin:education_lessondraft_change", args=[draft.pk]),
            _("Review the draft"),
            reverse("admin:education_lessondraft_preview", args=[draft.pk]),
            _("Preview the draft as a patient"),
        )

    @admin.display(description=_("changes from the published version"))
    def draft_changes(self, obj):
        draft = getattr(obj, "_draft", None)
        if draft is None:
            return "—"
        published = Lesson.objects.select_related("therapy").get(pk=obj.pk)
        return publishing.content_diff_html(
            published, draft, old_name=f"v{published.version}", new_name=str(_("draft"))
        )

    @admin.display(description=_("versions"))
    def version_history(self, obj):
        rows = [
            (
                f"v{v.version}",
                v.published_at.date(),
                v.approver_name,
                v.change_note or "—",
                reverse("admin:education_lessonversion_change", args=[v.pk]),
            )
            for v in obj.versions.all()
        ]
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", '<li><a href="{4}">{0}</a> · {1} · {2} · {3}</li>', rows),
        )

    def view_on_site(self, obj):
        """ "View on site" opens the preview as a patient: the admin links to
        the editor's preview, never to a patient page."""
        return lesson_preview_url(obj)
