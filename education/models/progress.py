"""Patient progress (written by patients, read by clinicians).

Every link from a patient's record to content is PROTECT: no change to content
can delete what a patient did."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .checklists import ChecklistItem
from .content import Lesson, Pathway
from .quizzes import Question, Quiz

NOTE_MAX_LENGTH = 500
QUESTION_MAX_LENGTH = 500


class ReadinessStatus(models.TextChoices):
    # Values sort in the dashboard's default order: not ready first.
    NEEDS_DISCUSSION = "1_needs_discussion", _("Needs discussion")
    NOT_STARTED = "2_not_started", _("Not started")
    IN_PROGRESS = "3_in_progress", _("In progress")
    READY = "4_ready", _("Ready for consent discussion")


def progress_stamp_new() -> str:
    return uuid.uuid4().hex[:16]


class Enrollment(models.Model):
    """A patient on a pathway, with the readiness snapshot the dashboard reads."""

    # What a patient did is never deleted with their account or their clinic.
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments"
    )
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="enrollments")
    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="enrollments"
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(default=timezone.now)

    # Readiness snapshot: updated in the same transaction as each event.
    readiness_status = models.CharField(
        max_length=24, choices=ReadinessStatus.choices, default=ReadinessStatus.NOT_STARTED
    )
    progress_percent = models.PositiveSmallIntegerField(default=0)
    open_flags = models.PositiveSmallIntegerField(default=0)
    first_attempt_score = models.PositiveSmallIntegerField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # A new random token on every change to the patient's records (set by
    # services.enrollment_snapshot_refresh); their cached copy is keyed by it.
    progress_stamp = models.CharField(max_length=16, default=progress_stamp_new, editable=False)
    # Copied from the patient profile so the dashboard sorts on one table.
    consultation_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "pathway"], name="education_enrollment_unique_patient"
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100),
                name="education_enrollment_percent_max_100",
            ),
        ]
        indexes = [
            models.Index(
                fields=["clinic", "readiness_status", "consultation_at", "id"],
                name="education_enr_dashboard",
            ),
            models.Index(fields=["clinic", "consultation_at", "id"], name="education_enr_consult"),
            models.Index(fields=["clinic", "-last_activity_at"], name="education_enr_activity"),
        ]

    def __str__(self):
        return f"{self.patient} · {self.pathway}"


class LessonCompletion(models.Model):
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="completions")
    lesson_version = models.PositiveIntegerField()
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "lesson"], name="education_lessoncompletion_unique"
            ),
        ]


class QuizAttempt(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    quiz_version = models.PositiveIntegerField()
    number = models.PositiveSmallIntegerField(help_text=_("1 for the first attempt."))
    score = models.PositiveSmallIntegerField(help_text=_("Percent correct."))
    passed = models.BooleanField()
    submitted_at = models.DateTimeField(default=timezone.now)
    # One per rendered form: a double-clicked submit cannot store two attempts.
    submission_key = models.UUIDField(default=uuid.uuid4)
    # Question id (as text) -> the choice ids in the order the patient saw them,
    # drawn from the submission key when the form was shown (grading.choice_order).
    choice_order = models.JSONField(default=dict, blank=True)
    # The learning objectives answered right in this attempt (must-pass checks).
    objectives_right = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "quiz", "number"], name="education_quizattempt_unique_number"
            ),
            models.UniqueConstraint(
                fields=["enrollment", "submission_key"], name="education_quizattempt_unique_key"
            ),
        ]


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # Choices are never deleted once their question has an answer (see
    # ``Choice.delete``), so these ids keep pointing at real rows.
    choice_ids = models.JSONField(default=list)
    # The chosen texts as shown at the time, kept if the content changes later.
    answer_text = models.TextField(blank=True)
    is_correct = models.BooleanField()
    # The question's content hash when it was answered: differs from the
    # question's own once a changed version of it is published.
    question_hash = models.CharField(max_length=64, blank=True)

    @property
    def answered_an_earlier_version(self) -> bool:
        """The question changed (and was published) after this answer."""
        return bool(self.question_hash) and self.question_hash != self.question.content_hash

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="education_attemptanswer_unique"
            ),
        ]


class ChecklistResponse(models.Model):
    class FlagStatus(models.TextChoices):
        NONE = "none", _("No flag")
        OPEN = "open", _("Open")
        DISCUSSED = "discussed", _("Discussed")

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="checklist_responses"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="responses")
    checklist_version = models.PositiveIntegerField(default=0)
    answer = models.CharField(max_length=8, choices=ChecklistItem.Answer.choices)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    answered_at = models.DateTimeField(default=timezone.now)
    flag_status = models.CharField(
        max_length=10, choices=FlagStatus.choices, default=FlagStatus.NONE
    )
    flag_discussed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    flag_discussed_at = models.DateTimeField(null=True, blank=True)
    flag_note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)

    class Meta:
        verbose_name = _("checklist response")
        verbose_name_plural = _("checklist responses")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "item"], name="education_checklistresponse_unique"
            ),
        ]


class PatientQuestion(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="patient_questions"
    )
    text = models.TextField(_("your question"), max_length=QUESTION_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("patient question")
        verbose_name_plural = _("patient questions")

    def __str__(self):
        return self.text[:60]


class ClinicianReview(models.Model):
    """Append-only: a new review supersedes, never edits, an earlier one."""

    class Outcome(models.TextChoices):
        NEEDS_FOLLOW_UP = "needs_follow_up", _("Needs follow-up")
        READY = "ready", _("Ready for consent discussion")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="reviews")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_given"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.TextField(blank=True, max_length=2000)
    override_reason = models.TextField(blank=True, max_length=2000)
    readiness_at_review = models.CharField(max_length=24, choices=ReadinessStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("clinician review")
        verbose_name_plural = _("clinician reviews")
