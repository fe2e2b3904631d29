"""What a patient says about their own decision: the SURE decision check and
their expectations before and after the expectations stage. Answers are
option keys, so the audit event may hold them."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from .. import selfcheck
from ..models import Enrollment
from ..models.assessment import SelfCheck
from ..selectors.progress import patient_state
from ..selectors.selfcheck import expectations_stage, self_check_open
from .errors import EducationError, StageLocked
from .snapshot import enrollment_snapshot_refresh, locked_enrollment

ITEMS = {
    SelfCheck.Kind.SURE: selfcheck.SURE_ITEMS,
    SelfCheck.Kind.EXPECT_BEFORE: selfcheck.EXPECTATION_ITEMS,
    SelfCheck.Kind.EXPECT_AFTER: selfcheck.EXPECTATION_ITEMS,
}


def _flagged(kind: str, answers: Mapping[str, str]) -> bool:
    if kind == SelfCheck.Kind.SURE:
        return selfcheck.sure_flagged(answers)
    if kind == SelfCheck.Kind.EXPECT_AFTER:
        return bool(selfcheck.unrealistic_items(answers))
    return False  # before the stage, an unrealistic answer is what it will teach


@transaction.atomic
def self_check_save(
    *, enrollment: Enrollment, kind: str, answers: Mapping[str, str], ip: str | None = None
) -> SelfCheck:
    """Save one self-check, replacing an earlier answer of the same kind.
    Problems are keyed by item key."""
    items = ITEMS[SelfCheck.Kind(kind)]
    problems = selfcheck.answer_problems(items, answers)
    if problems:
        raise EducationError(_("Answer every question."), errors=problems)
    enrollment = locked_enrollment(enrollment)
    state = patient_state(enrollment)
    if not self_check_open(state, kind):
        if expectations_stage(state) is None and kind != SelfCheck.Kind.SURE:
            raise EducationError(_("Your pathway does not ask about expectations."))
        raise StageLocked(_("This question is not open at this point of your pathway."))
    clean = {item.key: answers[item.key] for item in items}
    check, _created = SelfCheck.objects.update_or_create(
        enrollment=enrollment,
        kind=kind,
        defaults={
            "answers": clean,
            "flagged": _flagged(kind, clean),
            "answered_at": timezone.now(),
        },
    )
    enrollment_snapshot_refresh(enrollment=enrollment)
    audit_record(
        action="education.self_check.saved",
        actor=enrollment.patient,
        patient=enrollment.patient,
        ip=ip,
        detail={"kind": kind, "answers": clean, "flagged": check.flagged},
    )
    return check
