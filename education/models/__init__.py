from .assessment import TeachBack
from .content import (
    Checklist,
    ChecklistItem,
    CurriculumFile,
    EvidenceLabel,
    GlossaryTerm,
    Lesson,
    LessonSource,
    Module,
    Pathway,
    PathwayModule,
    PublishStatus,
    Therapy,
)
from .outcomes import ConsultationOutcome
from .progress import (
    AttemptAnswer,
    ChecklistResponse,
    ClinicianReview,
    Enrollment,
    LessonCompletion,
    PatientQuestion,
    QuizAttempt,
    ReadinessStatus,
)
from .quizzes import Choice, Question, Quiz
from .versions import LessonDraft, LessonVersion

__all__ = [
    "AttemptAnswer",
    "Checklist",
    "ChecklistItem",
    "ChecklistResponse",
    "Choice",
    "ClinicianReview",
    "ConsultationOutcome",
    "CurriculumFile",
    "Enrollment",
    "EvidenceLabel",
    "GlossaryTerm",
    "Lesson",
    "LessonCompletion",
    "LessonDraft",
    "LessonSource",
    "LessonVersion",
    "Module",
    "Pathway",
    "PathwayModule",
    "PatientQuestion",
    "Question",
    "Quiz",
    "QuizAttempt",
    "TeachBack",
    "ReadinessStatus",
    "PublishStatus",
    "Therapy",
]
