"""Admin pages of the shared library other than lessons: pathways, modules,
quizzes and their questions, checklists, glossary and therapies. An edit of a
published pathway, module, quiz (or one of its questions) or checklist is
saved as its draft (``content_drafts.py``)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .. import drafting, governance, models
from .base import LibraryAdmin, LibraryInline, RetirableInline, VersionedAdmin
from .content_drafts import DraftedAdminMixin

# --- Pathways and modules ----------------------------------------------------


class PathwayModuleInline(LibraryInline, admin.TabularInline):
    model = models.PathwayModule
    extra = 0
    fields = ["order", "module"]
    ordering = ["order"]
    autocomplete_fields = ["module"]

    def has_delete_permission(self, request, obj=None):
        # In a published pathway's draft, taking a stage out is part of the
        # draft; publishing it deletes no patient record.
        if getattr(request, "_content_drafting", None) is not None:
            return governance.may_edit_library(request.user)
        return super().has_delete_permission(request, obj)


@admin.register(models.Pathway)
class PathwayAdmin(DraftedAdminMixin, VersionedAdmin):
    locked_fields = ("slug",)
    list_display = ["title", "slug", "status", "version_badge", "checklist"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PathwayModuleInline]
    list_select_related = ["checklist"]


class LessonInline(LibraryInline, admin.TabularInline):
    model = models.Lesson
    extra = 0
    fields = ["order", "title", "evidence_label", "status", "version"]
    readonly_fields = ["title", "evidence_label", "status", "version"]
    ordering = ["order"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Module)
class ModuleAdmin(DraftedAdminMixin, VersionedAdmin):
    locked_fields = ("slug", "clinic")
    list_display = ["title", "slug", "status", "version_badge", "estimated_minutes"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LessonInline]

    def get_queryset(self, request):
        # Clinics' own stages are under "Clinic stages".
        return super().get_queryset(request).filter(clinic__isnull=True)


# --- Quizzes --------------------------------------------------------------


class QuestionInline(RetirableInline, admin.StackedInline):
    model = models.Question
    extra = 0
    fields = ["order", "kind", "objective", "prompt", "lesson", "section", "retired_at"]
    show_change_link = True
    autocomplete_fields = ["lesson"]


@admin.register(models.Quiz)
class QuizAdmin(DraftedAdminMixin, VersionedAdmin):
    locked_fields = ("module",)
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
    model = models.Choice
    extra = 0
    fields = ["order", "text", "is_correct", "feedback", "retired_at"]


@admin.register(models.Question)
class QuestionAdmin(DraftedAdminMixin, LibraryAdmin):
    """Second level of quiz editing: a question with its choices. A question
    of a published quiz is edited in the quiz's draft."""

    locked_fields = ("quiz",)
    list_display = ["prompt", "quiz", "kind", "order", "retired_at"]
    list_filter = ["kind", "quiz"]
    search_fields = ["prompt", "explanation", "objective"]
    list_select_related = ["quiz"]
    autocomplete_fields = ["lesson"]
    inlines = [ChoiceInline]
    fields = [
        "quiz",
        "order",
        "kind",
        "objective",
        "prompt",
        "explanation",
        "lesson",
        "section",
        "retired_at",
    ]

    def get_queryset(self, request):
        queryset = models.Question.all_objects.all()
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def draft_target(self, obj):
        return obj.quiz if drafting.is_drafted(obj.quiz) else None

    def draft_target_for_id(self, request, object_id):
        target = super().draft_target_for_id(request, object_id)
        if target is not None:
            return target
        # A question the quiz's open draft adds exists only in the draft.
        try:
            draft = drafting.draft_with_new_question(int(object_id))
        except ValueError:
            return None
        return draft.content_object if draft is not None else None

    def draft_target_for_add(self, request):
        """A question added to a published quiz goes into the quiz's draft."""
        try:
            quiz = models.Quiz.objects.filter(pk=request.POST.get("quiz") or None).first()
        except ValueError:
            return None
        return quiz if quiz is not None and drafting.is_drafted(quiz) else None


# --- Checklists, glossary, therapies -----------------------------------------


class ChecklistItemInline(RetirableInline, admin.TabularInline):
    model = models.ChecklistItem
    extra = 0
    fields = ["order", "kind", "slug", "text", "help_text", "required", "ok_answer", "retired_at"]

    def get_queryset(self, request):
        # Clinics' own items are under "Clinic checklist items".
        return super().get_queryset(request).filter(clinic__isnull=True)


@admin.register(models.Checklist)
class ChecklistAdmin(DraftedAdminMixin, VersionedAdmin):
    locked_fields = ("slug",)
    list_display = ["title", "slug", "status", "version_badge"]
    search_fields = ["title"]
    inlines = [ChecklistItemInline]


@admin.register(models.GlossaryTerm)
class GlossaryTermAdmin(LibraryAdmin):
    list_display = ["term", "definition"]
    search_fields = ["term", "definition"]


@admin.register(models.Therapy)
class TherapyAdmin(LibraryAdmin):
    list_display = ["name", "regulatory_status", "summary"]
    search_fields = ["name", "regulatory_status"]
    prepopulated_fields = {"slug": ["name"]}
