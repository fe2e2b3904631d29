"""The authoring tool for library editors, and read-only views of progress
(superusers) and the audit log (clinic admins: own clinic). Clinic admins do
not change the shared library."""

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import governance, services
from .audit import audit_record
from .models import (
    AttemptAnswer,
    AuditEvent,
    Checklist,
    ChecklistItem,
    ChecklistResponse,
    Choice,
    ClinicianReview,
    CurriculumFile,
    Enrollment,
    GlossaryTerm,
    Lesson,
    LessonCompletion,
    LessonSource,
    Module,
    Pathway,
    PathwayModule,
    PatientQuestion,
    Question,
    Quiz,
    QuizAttempt,
    Status,
    Therapy,
)
from .readability import lesson_readability

# --- Publishing and retiring --------------------------------------------------


@admin.action(description=_("Publish selected (new version where changed)"), permissions=["change"])
def publish(modeladmin, request, queryset):
    retired = [obj for obj in queryset if obj.status == Status.RETIRED]
    bumped = sum(
        services.content_publish(obj=obj, actor=request.user, request=request)
        for obj in queryset
        if obj.status != Status.RETIRED
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


@admin.action(description=_("Unpublish selected (back to draft)"), permissions=["change"])
def unpublish(modeladmin, request, queryset):
    kept = []
    for obj in queryset:
        if obj.status != Status.PUBLISHED or governance.has_patient_records(obj):
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


class LibraryAdmin(admin.ModelAdmin):
    """The shared library: library editors and superusers only (a clinic admin
    gets 403, whatever groups their account is in); nothing a patient could
    have seen is deleted, and no bulk delete at all."""

    def has_module_permission(self, request):
        return governance.may_edit_library(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return governance.may_edit_library(request.user) and super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request):
        return governance.may_edit_library(request.user) and super().has_add_permission(request)

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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # One event per save of the form, after its inlines: field names only.
        governance.content_audit(
            action="saved",
            obj=form.instance,
            actor=request.user,
            request=request,
            created=not change,
            fields=sorted(form.changed_data),
            parts=sorted(fs.prefix for fs in formsets if fs.has_changed()),
        )

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


class LibraryInline:
    """An inline of library content: library editors only; rows are deleted
    only while the parent was never published and no patient record points
    at it."""

    def has_view_permission(self, request, obj=None):
        return governance.may_edit_library(request.user) and super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request, obj):
        return governance.may_edit_library(request.user) and super().has_add_permission(
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


# --- Pathways and modules ----------------------------------------------------


class PathwayModuleInline(LibraryInline, admin.TabularInline):
    model = PathwayModule
    extra = 0
    fields = ["order", "module"]
    ordering = ["order"]
    autocomplete_fields = ["module"]


@admin.register(Pathway)
class PathwayAdmin(VersionedAdmin):
    list_display = ["title", "slug", "status", "version_badge", "checklist"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PathwayModuleInline]
    list_select_related = ["checklist"]


class LessonInline(LibraryInline, admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ["order", "title", "evidence_label", "status", "version"]
    readonly_fields = ["title", "evidence_label", "status", "version"]
    ordering = ["order"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Module)
class ModuleAdmin(VersionedAdmin):
    list_display = ["title", "slug", "status", "version_badge", "estimated_minutes"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LessonInline]


# --- Lessons ------------------------------------------------------------------


class LessonSourceInline(LibraryInline, admin.TabularInline):
    model = LessonSource
    extra = 1
    fields = ["order", "title", "url", "editor_note"]


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
        *VersionedAdmin.readonly_fields,
    ]
    fieldsets = [
        (None, {"fields": ["module", "order", "title", "slug", "status"]}),
        (_("Evidence"), {"fields": ["evidence_label", "therapy"]}),
        (_("Text"), {"fields": ["key_points", "body"]}),
        (
            _("For editors (never shown to patients)"),
            {"fields": ["editor_note", "facts_checked_on", "review_by"]},
        ),
        (
            _("Readability and checks"),
            {"fields": ["reading_grade", "longest_sentence", "content_warnings"]},
        ),
        (
            _("Publishing"),
            {"fields": ["preview_link", "version", "published_at", "retired_at", "updated_at"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sources")

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
            reverse("preview:lesson", args=[obj.pk]),
            _("Preview as a patient"),
        )

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None


# --- Quizzes --------------------------------------------------------------


class QuestionInline(RetirableInline, admin.StackedInline):
    model = Question
    extra = 0
    fields = ["order", "kind", "prompt", "lesson", "section", "retired_at"]
    show_change_link = True
    autocomplete_fields = ["lesson"]


@admin.register(Quiz)
class QuizAdmin(VersionedAdmin):
    list_display = ["title", "module", "pass_mark", "status", "version_badge", "question_count"]
    search_fields = ["title", "module__title"]
    list_select_related = ["module"]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_questions=Count("questions"))

    @admin.display(description=_("questions"), ordering="n_questions")
    def question_count(self, obj):
        return obj.n_questions


class ChoiceInline(RetirableInline, admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["order", "text", "is_correct", "feedback", "retired_at"]


@admin.register(Question)
class QuestionAdmin(LibraryAdmin):
    """Second level of quiz editing: a question with its choices."""

    list_display = ["prompt", "quiz", "kind", "order", "retired_at"]
    list_filter = ["kind", "quiz"]
    search_fields = ["prompt", "explanation"]
    list_select_related = ["quiz"]
    autocomplete_fields = ["lesson"]
    inlines = [ChoiceInline]
    fields = ["quiz", "order", "kind", "prompt", "explanation", "lesson", "section", "retired_at"]

    def get_queryset(self, request):
        queryset = Question.all_objects.all()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset


# --- Checklists, glossary, therapies -----------------------------------------


class ChecklistItemInline(RetirableInline, admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["order", "kind", "slug", "text", "help_text", "required", "ok_answer", "retired_at"]


@admin.register(Checklist)
class ChecklistAdmin(VersionedAdmin):
    list_display = ["title", "slug", "status", "version_badge"]
    search_fields = ["title"]
    inlines = [ChecklistItemInline]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(LibraryAdmin):
    list_display = ["term", "definition"]
    search_fields = ["term", "definition"]


@admin.register(Therapy)
class TherapyAdmin(LibraryAdmin):
    list_display = ["name", "regulatory_status", "summary"]
    search_fields = ["name", "regulatory_status"]
    prepopulated_fields = {"slug": ["name"]}


# --- Progress: superusers only, read-only -----------------------------------


class SuperuserReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and self.superuser_may_edit

    def has_delete_permission(self, request, obj=None):
        return False

    superuser_may_edit = True


@admin.register(Enrollment)
class EnrollmentAdmin(SuperuserReadOnlyAdmin):
    list_display = ["patient", "pathway", "clinic", "readiness_status", "progress_percent"]
    list_filter = ["readiness_status", "clinic"]
    list_select_related = ["patient", "pathway", "clinic"]
    search_fields = ["patient__email", "patient__full_name"]
    raw_id_fields = ["patient", "enrolled_by"]


@admin.register(LessonCompletion)
class LessonCompletionAdmin(SuperuserReadOnlyAdmin):
    list_display = ["patient", "lesson", "lesson_version", "completed_at"]
    list_select_related = ["patient", "lesson"]
    raw_id_fields = ["patient"]


class AttemptAnswerInline(admin.TabularInline):
    model = AttemptAnswer
    extra = 0
    can_delete = False
    readonly_fields = ["question", "answer_text", "is_correct"]
    fields = readonly_fields


@admin.register(QuizAttempt)
class QuizAttemptAdmin(SuperuserReadOnlyAdmin):
    list_display = ["enrollment", "quiz", "number", "score", "passed", "submitted_at"]
    list_select_related = ["enrollment__patient", "enrollment__pathway", "quiz"]
    superuser_may_edit = False
    inlines = [AttemptAnswerInline]


@admin.register(ChecklistResponse)
class ChecklistResponseAdmin(SuperuserReadOnlyAdmin):
    list_display = ["enrollment", "item", "answer", "flag_status", "answered_at"]
    list_filter = ["flag_status", "answer"]
    list_select_related = ["enrollment__patient", "enrollment__pathway", "item"]


@admin.register(PatientQuestion)
class PatientQuestionAdmin(SuperuserReadOnlyAdmin):
    list_display = ["enrollment", "created_at"]
    list_select_related = ["enrollment__patient", "enrollment__pathway"]


@admin.register(ClinicianReview)
class ClinicianReviewAdmin(SuperuserReadOnlyAdmin):
    list_display = ["enrollment", "clinician", "outcome", "created_at"]
    list_select_related = ["enrollment__patient", "enrollment__pathway", "clinician"]
    superuser_may_edit = False


@admin.register(CurriculumFile)
class CurriculumFileAdmin(SuperuserReadOnlyAdmin):
    list_display = ["name", "sha256", "loaded_at"]
    superuser_may_edit = False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only. Clinic admins see their own clinic's events."""

    list_display = ["created_at", "action", "actor", "patient", "ip_address"]
    list_filter = ["action"]
    search_fields = ["action", "actor__email", "patient__email"]
    list_select_related = ["actor", "patient"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "action", "actor", "patient", "clinic", "ip_address", "detail"]
    fields = readonly_fields
    show_full_result_count = False

    def _allowed(self, request):
        return request.user.is_superuser or request.user.is_clinic_admin

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(clinic_id=request.user.clinic_id)


admin.site.site_header = _("ConsultReady administration")
admin.site.site_title = _("ConsultReady admin")
admin.site.index_title = _("Content and clinic")
