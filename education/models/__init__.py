from .assessment import TeachBack
from .checklists import Checklist, ChecklistItem
from .clinic import ClinicChecklistItem, ClinicLesson, ClinicModule, content_clinic_id
from .content import (
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
from .content_versions import ContentVersion
from .drafts import ContentDraft
from .library import ClinicLibrary, LibraryCorrection, LibraryVersion, library_version_floor
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
    "ClinicChecklistItem",
    "ClinicLibrary",
    "ClinicLesson",
    "ClinicModule",
    "Choice",
    "ClinicianReview",
    "ConsultationOutcome",
    "ContentDraft",
    "ContentVersion",
    "CurriculumFile",
    "Enrollment",
    "EvidenceLabel",
    "GlossaryTerm",
    "Lesson",
    "LessonCompletion",
    "LessonDraft",
    "LessonSource",
    "LessonVersion",
    "LibraryCorrection",
    "LibraryVersion",
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
    "content_clinic_id",
    "library_version_floor",
]
