"""The clinic home's week: the clinic's consultations today in time order, then
tomorrow and later this week, each with a one-line "to discuss"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User

from ..models import ConsultationOutcome, Enrollment, PatientQuestion, ReadinessStatus
from .selfcheck import self_check_flag_columns

# The week list: consultations from this many days back still waiting for an outcome.
WEEK_LOOKBACK_DAYS = 7
WEEK_MAX_ROWS = 200


@dataclass
class WeekRow:
    enrollment: Enrollment
    local_at: datetime
    to_discuss: str


@dataclass
class WeekGroup:
    key: str  # "earlier", "today", "tomorrow", "later"
    label: str
    rows: list[WeekRow]


def _to_discuss(row: Enrollment) -> str:
    """One line for the clinician: what to raise with this patient."""
    parts = []
    if row.decisional_conflict:
        parts.append(_("decisional conflict (SURE)"))
    if row.expectations_to_discuss:
        parts.append(_("expectations to discuss"))
    if row.open_flags:
        parts.append(
            ngettext("%(n)d open flag", "%(n)d open flags", row.open_flags) % {"n": row.open_flags}
        )
    if row.question_count:
        parts.append(
            ngettext(
                "%(n)d question from the patient",
                "%(n)d questions from the patient",
                row.question_count,
            )
            % {"n": row.question_count}
        )
    if row.first_attempt_score is not None and row.first_attempt_score < 100:
        parts.append(_("first-attempt score %(score)d%%") % {"score": row.first_attempt_score})
    if row.readiness_status == ReadinessStatus.NOT_STARTED:
        parts.append(str(_("has not started the pathway")))
    elif row.readiness_status != ReadinessStatus.READY:
        parts.append(_("%(percent)d%% of the pathway done") % {"percent": row.progress_percent})
    return " · ".join(str(p) for p in parts) or str(_("Nothing raised; ready to discuss consent"))


def consultation_week_for_staff(staff: User, *, tz: tzinfo, now: datetime) -> list[WeekGroup]:
    """The clinic's consultations from today to the end of this week (Sunday,
    in the clinic's time zone), in time order, grouped as today, tomorrow and
    later; before them, consultations of the last days with no outcome yet. A
    consultation leaves the list once an outcome is recorded for it. One query,
    the patient's questions and self-check flags included."""
    local_now = timezone.localtime(now, tz)
    today = local_now.date()
    start_of_today = datetime.combine(today, datetime.min.time(), tzinfo=tz)
    end_of_week = start_of_today + timedelta(days=7 - today.weekday())
    recorded = ConsultationOutcome.objects.filter(
        enrollment=OuterRef("pk"), consultation_at=OuterRef("consultation_at")
    )
    questions = (
        PatientQuestion.objects.filter(enrollment=OuterRef("pk"))
        .order_by()
        .values("enrollment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Enrollment.objects.filter(
            clinic_id=staff.clinic_id,
            consultation_at__gte=start_of_today - timedelta(days=WEEK_LOOKBACK_DAYS),
            consultation_at__lt=end_of_week,
        )
        .exclude(Exists(recorded))
        .annotate(question_count=Subquery(questions), **self_check_flag_columns())
        .select_related("patient", "patient__patient_profile")
        .order_by("consultation_at", "id")[:WEEK_MAX_ROWS]
    )
    groups = {
        "earlier": WeekGroup("earlier", str(_("Earlier, no outcome recorded yet")), []),
        "today": WeekGroup("today", str(_("Today")), []),
        "tomorrow": WeekGroup("tomorrow", str(_("Tomorrow")), []),
        "later": WeekGroup("later", str(_("Later this week")), []),
    }
    for row in rows:
        row.question_count = row.question_count or 0
        local_at = timezone.localtime(row.consultation_at, tz)
        days = (local_at.date() - today).days
        key = (
            "earlier"
            if days < 0
            else "today"
            if days == 0
            else "tomorrow"
            if days == 1
            else "later"
        )
        groups[key].rows.append(WeekRow(row, local_at, _to_discuss(row)))
    return list(groups.values())
