"""Read-only views of patients' progress (superusers only)."""

from django.contrib import admin

from ..models import (
    AttemptAnswer,
    ChecklistResponse,
    ClinicianReview,
    CurriculumFile,
    Enrollment,
    LessonCompletion,
    PatientQuestion,
    QuizAttempt,
)

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
