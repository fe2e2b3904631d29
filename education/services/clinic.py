"""What clinic staff do about one patient: set the consultation date, mark a
flag discussed, record a review; and the reads of patient records that are
audited (opening a brief, downloading the export). The actor is ``staff``;
``ip`` is where the request came from, for the audit log."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import PatientProfile, User
from audit.services import audit_record

from .. import access, readiness
from ..models import ChecklistResponse, ClinicianReview, ConsultationOutcome, Enrollment
from ..selectors.clinic import DashboardFilters
from .errors import EducationError
from .snapshot import clean_note, enrollment_snapshot_refresh, locked_enrollment


def _require_same_clinic(staff: User, enrollment: Enrollment) -> None:
    if not access.staff_may_see(staff, enrollment):
        raise EducationError(_("This patient is not in your clinic."))


def brief_view(*, staff: User, enrollment: Enrollment, ip: str | None = None) -> None:
    """Record that a staff member opened a patient's brief."""
    _require_same_clinic(staff, enrollment)
    audit_record(
        action="education.brief.viewed",
        actor=staff,
        patient=enrollment.patient,
        ip=ip,
        detail={"enrollment": enrollment.pk},
    )


def dashboard_view(*, staff: User, filters: DashboardFilters, ip: str | None = None) -> None:
    """Record that a staff member looked at the patient list, or searched it
    (the filters, and whether there was a search; never the search text)."""
    audit_record(
        action="education.dashboard.searched" if filters.q else "education.dashboard.viewed",
        actor=staff,
        ip=ip,
        detail=filters.audit_detail(),
    )


def export_download(
    *, staff: User, filters: DashboardFilters, export: str = "patients", ip: str | None = None
) -> None:
    """Record that a staff member downloaded the patient list or its detail
    (filters only, never the search text)."""
    audit_record(
        action="education.export.downloaded",
        actor=staff,
        ip=ip,
        detail={**filters.audit_detail(), "export": export},
    )


def _consultation_store(enrollment: Enrollment, consultation_at) -> None:
    """The date lives on the patient's profile and, for the dashboard, on the row."""
    PatientProfile.objects.update_or_create(
        user_id=enrollment.patient_id, defaults={"consultation_at": consultation_at}
    )
    Enrollment.objects.filter(patient_id=enrollment.patient_id).update(
        consultation_at=consultation_at
    )
    enrollment.consultation_at = consultation_at


@transaction.atomic
def consultation_set(
    *, staff: User, enrollment: Enrollment, consultation_at, ip: str | None = None
) -> Enrollment:
    """Set or clear the consultation date on the patient and the dashboard row."""
    _require_same_clinic(staff, enrollment)
    _consultation_store(enrollment, consultation_at)
    audit_record(
        action="education.consultation.set",
        actor=staff,
        patient=enrollment.patient,
        ip=ip,
        detail={"consultation_at": consultation_at.isoformat() if consultation_at else None},
    )
    return enrollment


@transaction.atomic
def flag_mark_discussed(
    *, staff: User, response: ChecklistResponse, note: str = "", ip: str | None = None
) -> ChecklistResponse:
    enrollment = locked_enrollment(response.enrollment)
    _require_same_clinic(staff, enrollment)
    note = clean_note(note)
    response = ChecklistResponse.objects.select_for_update().get(pk=response.pk)
    if response.flag_status != ChecklistResponse.FlagStatus.OPEN:
        raise EducationError(_("This flag is not open."))
    response.flag_status = ChecklistResponse.FlagStatus.DISCUSSED
    response.flag_discussed_by = staff
    response.flag_discussed_at = timezone.now()
    response.flag_note = note
    response.save(
        update_fields=["flag_status", "flag_discussed_by", "flag_discussed_at", "flag_note"]
    )
    enrollment_snapshot_refresh(enrollment=enrollment, activity=False)
    audit_record(
        action="education.flag.discussed",
        actor=staff,
        patient=enrollment.patient,
        ip=ip,
        detail={"response": response.pk, "item": response.item_id},
    )
    return response


@transaction.atomic
def review_record(
    *,
    staff: User,
    enrollment: Enrollment,
    outcome: str,
    note: str = "",
    override_reason: str = "",
    ip: str | None = None,
) -> ClinicianReview:
    """Append a review. "Ready" needs the patient's readiness, or a written
    reason (an error on ``"override_reason"`` otherwise)."""
    enrollment = locked_enrollment(enrollment)
    _require_same_clinic(staff, enrollment)
    if outcome not in ClinicianReview.Outcome.values:
        raise EducationError(_("Choose an outcome."))
    state = enrollment_snapshot_refresh(enrollment=enrollment, activity=False)
    override_reason = (override_reason or "").strip()
    if (
        outcome == ClinicianReview.Outcome.READY
        and state.result.status != readiness.Status.READY
        and not override_reason
    ):
        raise EducationError(
            _(
                "This patient is not ready yet. To record “ready” anyway, write the "
                "reason for the override."
            ),
            errors={"override_reason": _("Write why you are overriding readiness.")},
        )
    review = ClinicianReview.objects.create(
        enrollment=enrollment,
        clinician=staff,
        outcome=outcome,
        note=(note or "").strip(),
        override_reason=override_reason if outcome == ClinicianReview.Outcome.READY else "",
        readiness_at_review=enrollment.readiness_status,
    )
    audit_record(
        action="education.review.recorded",
        actor=staff,
        patient=enrollment.patient,
        ip=ip,
        detail={"review": review.pk, "outcome": outcome, "override": bool(review.override_reason)},
    )
    return review


@transaction.atomic
def consultation_outcome_record(
    *,
    staff: User,
    enrollment: Enrollment,
    outcome: str,
    rescheduled_to=None,
    note: str = "",
    ip: str | None = None,
) -> ConsultationOutcome:
    """Append what happened at the consultation. "Rescheduled" needs the new
    date (an error on ``"rescheduled_to"`` otherwise), which becomes the
    consultation date."""
    enrollment = locked_enrollment(enrollment)
    _require_same_clinic(staff, enrollment)
    Outcome = ConsultationOutcome.Outcome
    if outcome not in Outcome.values:
        raise EducationError(_("Choose what happened."), errors={"outcome": _("Choose one.")})
    if outcome == Outcome.RESCHEDULED:
        if rescheduled_to is None:
            raise EducationError(
                _("A rescheduled consultation needs its new date."),
                errors={"rescheduled_to": _("Enter the new date and time.")},
            )
        if rescheduled_to <= timezone.now():
            raise EducationError(
                _("The new date must be in the future."),
                errors={"rescheduled_to": _("Choose a date and time after now.")},
            )
    else:
        rescheduled_to = None
    record = ConsultationOutcome.objects.create(
        enrollment=enrollment,
        outcome=outcome,
        consultation_at=enrollment.consultation_at,
        rescheduled_to=rescheduled_to,
        note=(note or "").strip(),
        recorded_by=staff,
    )
    if rescheduled_to is not None:
        _consultation_store(enrollment, rescheduled_to)
    audit_record(
        action="education.outcome.recorded",
        actor=staff,
        patient=enrollment.patient,
        ip=ip,
        detail={
            "outcome_record": record.pk,
            "outcome": outcome,
            "rescheduled_to": rescheduled_to.isoformat() if rescheduled_to else None,
        },
    )
    return record
