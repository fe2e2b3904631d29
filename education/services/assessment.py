"""What a patient says about their own understanding: the teach-back answer
at the end of a stage. Never graded; the text is never logged."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..models import Enrollment, Module, TeachBack
from ..models.assessment import TEACH_BACK_MAX_LENGTH
from ..readiness import StageState
from ..selectors.progress import patient_state
from .errors import EducationError, StageLocked
from .snapshot import enrollment_snapshot_refresh, locked_enrollment


def clean_teach_back(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise EducationError(_("Write your answer in your own words first."))
    if len(text) > TEACH_BACK_MAX_LENGTH:
        raise EducationError(
            _("Keep your answer under %(limit)s characters.") % {"limit": TEACH_BACK_MAX_LENGTH}
        )
    return text


@transaction.atomic
def teach_back_save(
    *, enrollment: Enrollment, module: Module, text: str, ip: str | None = None
) -> TeachBack:
    """Save the answer for a stage whose quiz is passed. Writing it again
    replaces it and asks the clinician to discuss it again."""
    text = clean_teach_back(text)
    enrollment = locked_enrollment(enrollment)
    stage = patient_state(enrollment).outline.stage_for_module(module.pk)
    if stage is None or not stage.module.teach_back.strip():
        raise EducationError(_("This stage has no question to answer in your own words."))
    if stage.state != StageState.COMPLETED:
        raise StageLocked(_("Pass this stage's quiz first, then answer in your own words."))
    answer, _created = TeachBack.objects.update_or_create(
        enrollment=enrollment,
        module=module,
        defaults={
            "prompt": stage.module.teach_back.strip(),
            "text": text,
            "answered_at": timezone.now(),
            "discussed_at": None,
            "discussed_by": None,
        },
    )
    enrollment_snapshot_refresh(enrollment=enrollment)
    audit_record(
        action="education.teach_back.saved",
        actor=enrollment.patient,
        patient=enrollment.patient,
        ip=ip,
        detail={"module": module.pk},  # never the patient's words
    )
    return answer
