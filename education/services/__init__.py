"""Writes. Each runs in one transaction, takes plain values (the actor, the
client's ``ip`` for the audit log; never a request), refreshes the
enrollment's readiness snapshot when progress changes, records an audit event,
and raises ``EducationError`` keyed by domain ids when a rule is broken.

- ``snapshot``: the enrollment and its readiness snapshot, shared guards;
- ``patient``: lessons, quiz attempts, checklist answers, patient questions;
- ``clinic``: consultation date, flags, reviews, audited reads;
- ``content``: publishing;
- ``assessment``, ``selfcheck``: teach-back, the decision check and expectations.
"""

from .assessment import teach_back_save
from .clinic import (
    brief_view,
    consultation_outcome_record,
    consultation_set,
    dashboard_view,
    export_download,
    flag_mark_discussed,
    review_record,
)
from .content import content_publish, content_unpublish
from .errors import EducationError, StageLocked
from .patient import (
    checklist_response_save,
    checklist_responses_save,
    lesson_complete,
    patient_question_add,
    patient_question_delete,
    patient_question_update,
    quiz_attempt_submit,
)
from .selfcheck import self_check_save
from .snapshot import enrollment_create, enrollment_snapshot_refresh, snapshots_recompute

__all__ = [
    "teach_back_save",
    "EducationError",
    "StageLocked",
    "brief_view",
    "checklist_response_save",
    "checklist_responses_save",
    "consultation_outcome_record",
    "consultation_set",
    "content_publish",
    "content_unpublish",
    "dashboard_view",
    "enrollment_create",
    "enrollment_snapshot_refresh",
    "export_download",
    "flag_mark_discussed",
    "lesson_complete",
    "patient_question_add",
    "patient_question_delete",
    "patient_question_update",
    "quiz_attempt_submit",
    "review_record",
    "self_check_save",
    "snapshots_recompute",
]
