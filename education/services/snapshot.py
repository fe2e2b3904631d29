"""The enrollment and its denormalised readiness snapshot, and the shared
guards of patient writes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .. import journey
from ..models import Enrollment
from ..models.progress import NOTE_MAX_LENGTH, progress_stamp_new
from ..selectors.outline import Stage
from ..selectors.progress import PatientState, patient_state
from .errors import EducationError, StageLocked


def _first_attempt_score(state: PatientState) -> int | None:
    firsts = [a.score for a in state.raw.attempts if a.number == 1]
    return round(sum(firsts) / len(firsts)) if firsts else None


def enrollment_snapshot_refresh(*, enrollment: Enrollment, activity: bool = True) -> PatientState:
    """Recompute readiness from the raw records and store the snapshot with a
    new progress stamp, which retires the pages' cached copy of the records."""
    state = patient_state(enrollment)
    result = state.result
    enrollment.progress_stamp = progress_stamp_new()
    enrollment.readiness_status = result.status.value
    enrollment.progress_percent = result.percent
    enrollment.open_flags = result.open_flags
    enrollment.first_attempt_score = _first_attempt_score(state)
    fields = [
        "readiness_status",
        "progress_percent",
        "open_flags",
        "first_attempt_score",
        "progress_stamp",
    ]
    if activity:
        enrollment.last_activity_at = timezone.now()
        fields.append("last_activity_at")
    enrollment.save(update_fields=fields)
    return state


def locked_enrollment(enrollment: Enrollment) -> Enrollment:
    """Serialise writes for one patient: two tabs cannot interleave."""
    return (
        Enrollment.objects.select_for_update()
        .select_related("pathway", "patient", "clinic")
        .get(pk=enrollment.pk)
    )


def require_open_stage(state: PatientState, module_id: int) -> Stage:
    stage = state.outline.stage_for_module(module_id)
    if stage is None:
        raise EducationError(_("This stage is not part of your pathway."))
    if not journey.stage_is_open(stage):
        raise StageLocked(_("Finish the earlier stages first. This one opens after them."))
    return stage


def clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise EducationError(
            _("Keep the note under %(limit)s characters.") % {"limit": NOTE_MAX_LENGTH}
        )
    return note


@transaction.atomic
def enrollment_create(*, patient: User, pathway, enrolled_by: User | None = None) -> Enrollment:
    profile = getattr(patient, "patient_profile", None)
    enrollment, _created = Enrollment.objects.get_or_create(
        patient=patient,
        pathway=pathway,
        defaults={
            "clinic_id": patient.clinic_id,
            "enrolled_by": enrolled_by,
            "consultation_at": profile.consultation_at if profile else None,
        },
    )
    enrollment_snapshot_refresh(enrollment=enrollment, activity=False)
    return enrollment


def snapshots_recompute(*, clinic_id: int | None = None, batch_size: int = 500) -> int:
    """Rebuild the snapshot of every enrollment (of one clinic's patients,
    with ``clinic_id``) from the raw records."""
    count = 0
    enrollments = Enrollment.objects.order_by("pk")
    if clinic_id is not None:
        enrollments = enrollments.filter(clinic_id=clinic_id)
    ids = list(enrollments.values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            for enrollment in Enrollment.objects.filter(
                pk__in=ids[start : start + batch_size]
            ).select_related("pathway"):
                enrollment_snapshot_refresh(enrollment=enrollment, activity=False)
                count += 1
    return count
