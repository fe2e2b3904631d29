"""The clinic home's week list: consultations still waiting for an outcome
from the last days, then today's, tomorrow's and the rest of this week's, in
time order. Each group shows a bounded number of rows (and says how many more
there are), so the page costs the same at 100 patients and at 100,000."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from functools import cached_property, lru_cache
from operator import itemgetter

from django.db import connections, router
from django.db.models import Case, Count, Exists, F, OuterRef, Subquery, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User

from ..models import ConsultationOutcome, Enrollment, PatientQuestion, ReadinessStatus
from .selfcheck import self_check_flag_columns

# Consultations from this many days back stay listed until an outcome is recorded.
WEEK_LOOKBACK_DAYS = 7
# The most rows a group shows; the rest are counted ("and 12 more").
WEEK_GROUP_ROWS = {"earlier": 10, "today": 40, "tomorrow": 20, "later": 20}
GROUP_KEYS = ("earlier", "today", "tomorrow", "later")
# The columns a week row shows (``week_row_shows``), and no more.
WEEK_ROW_COLUMNS = (
    "id",
    "clinic_id",
    "patient_id",
    "consultation_at",
    "readiness_status",
    "progress_percent",
    "open_flags",
    "first_attempt_score",
    "progress_stamp",
    "patient__full_name",
    "patient__email",
)
STATUS_LABELS = dict(ReadinessStatus.choices)


@dataclass(frozen=True, slots=True)
class WeekPatient:
    full_name: str
    email: str


@dataclass(slots=True)
class WeekEnrollment:
    """What a week row shows of an enrollment (read as values, not a model)."""

    pk: int
    clinic_id: int
    patient_id: int
    consultation_at: datetime
    readiness_status: str
    progress_percent: int
    open_flags: int
    first_attempt_score: int | None
    progress_stamp: str
    patient: WeekPatient
    question_count: int
    decisional_conflict: bool
    expectations_to_discuss: bool

    def get_readiness_status_display(self) -> str:
        return STATUS_LABELS.get(self.readiness_status, self.readiness_status)


@dataclass
class WeekRow:
    enrollment: WeekEnrollment
    local_at: datetime
    html: str = ""  # the row as shown, set by the view (cached under what it shows)

    @cached_property
    def to_discuss(self) -> str:
        """Worded only when the row is rendered: a cached row never needs it."""
        return _to_discuss(self.enrollment)


@dataclass
class WeekGroup:
    key: str  # "earlier", "today", "tomorrow", "later"
    label: str
    rows: list[WeekRow]
    more: int = 0  # rows of this group beyond those shown


def _to_discuss(row: WeekEnrollment) -> str:
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
        parts.append(_("has not started the pathway"))
    elif row.readiness_status != ReadinessStatus.READY:
        parts.append(_("%(percent)d%% of the pathway done") % {"percent": row.progress_percent})
    return " · ".join(parts) or _("Nothing raised; ready to discuss consent")


def week_row_shows(group_key: str, item: WeekRow) -> tuple:
    """Everything a row of the week list shows (``dashboard.html#week-row``), as a
    cache key part: the group (it decides the time format), the patient, the
    snapshot columns and every input of the "to discuss" line. ``local_at`` follows
    from ``consultation_at`` and the time zone, which the view adds to the key."""
    row = item.enrollment
    patient = row.patient
    return (
        group_key,
        row.clinic_id,
        row.pk,
        row.progress_stamp,
        row.patient_id,
        patient.full_name,
        patient.email,
        row.consultation_at,
        row.readiness_status,
        row.progress_percent,
        row.open_flags,
        row.first_attempt_score,
        row.decisional_conflict,
        row.expectations_to_discuss,
        row.question_count,
    )


def _day_start(day, tz: tzinfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def consultation_week_for_staff(staff: User, *, tz: tzinfo, now: datetime) -> list[WeekGroup]:
    """The clinic's consultations from today to the end of this week (Sunday,
    in the clinic's time zone), in time order, grouped as today, tomorrow and
    later; before them, consultations of the last days with no outcome yet. A
    consultation leaves the list once an outcome is recorded for it. One query,
    the patient's questions and self-check flags included: the group of each
    row, its place in the group and the group's size are window functions, so
    only the rows shown are read."""
    today = timezone.localtime(now, tz).date()
    starts = [_day_start(today + timedelta(days=n), tz) for n in (0, 1, 2)]
    # To the end of Sunday; on a Sunday, tomorrow (Monday) is listed too.
    end_of_week = max(_day_start(today + timedelta(days=7 - today.weekday()), tz), starts[2])
    return _week_groups(_week_rows(staff.clinic_id, tuple(starts), end_of_week), tz)


def _week_query(clinic_id: int, starts: tuple[datetime, ...], end_of_week: datetime):
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
    group = Case(
        *(When(consultation_at__lt=start, then=Value(n)) for n, start in enumerate(starts)),
        default=Value(len(starts)),
    )
    in_group = {"partition_by": [F("group")]}
    # How many rows the row's group shows, on the same boundaries as ``group``
    # (a CASE of its own rather than one on ``group``, which the ORM would copy
    # into the SQL once per branch).
    shown = Case(
        *(
            When(consultation_at__lt=start, then=Value(WEEK_GROUP_ROWS[key]))
            for key, start in zip(GROUP_KEYS, starts, strict=False)
        ),
        default=Value(WEEK_GROUP_ROWS[GROUP_KEYS[len(starts)]]),
    )
    return (
        Enrollment.objects.filter(
            clinic_id=clinic_id,
            consultation_at__gte=starts[0] - timedelta(days=WEEK_LOOKBACK_DAYS),
            consultation_at__lt=end_of_week,
        )
        .exclude(Exists(recorded))
        .annotate(group=group)
        .annotate(
            place=Window(RowNumber(), order_by=[F("consultation_at").asc(), "id"], **in_group),
            group_size=Window(Count("id"), **in_group),
            question_count=Subquery(questions),
            shown=shown,
            **self_check_flag_columns(),
        )
        .filter(place__lte=F("shown"))
        .order_by("consultation_at", "id")
        .values_list(
            *WEEK_ROW_COLUMNS,
            "question_count",
            "decisional_conflict",
            "expectations_to_discuss",
            "group",
            "group_size",
        )
    )


@lru_cache(maxsize=256)
def _compiled_week(connection, clinic_id: int, starts: tuple, end_of_week: datetime):
    """The week query of one clinic on one day, compiled once a process (and
    database connection). Its SQL depends only on these arguments, not on the
    rows it reads, which are read on every call; building and compiling it cost
    more than running it."""
    queryset = _week_query(clinic_id, starts, end_of_week)
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    # Where each of the names given to ``values_list`` is among the columns read.
    aliases = [alias for _expression, _sql, alias in compiler.select]
    order = itemgetter(*(aliases.index(name) for name in queryset._fields))
    return compiler, sql, params, order


def _week_rows(clinic_id: int, starts: tuple, end_of_week: datetime) -> list[tuple]:
    connection = connections[router.db_for_read(Enrollment)]
    compiler, sql, params, order = _compiled_week(connection, clinic_id, starts, end_of_week)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    # The backend's converters (SQLite's dates and booleans, for instance).
    return [order(row) for row in compiler.results_iter(results=[fetched])]


def _week_groups(rows, tz: tzinfo) -> list[WeekGroup]:
    labels = {
        "earlier": _("Earlier, no outcome recorded yet"),
        "today": _("Today"),
        "tomorrow": _("Tomorrow"),
        "later": _("Later this week"),
    }
    groups = {key: WeekGroup(key, labels[key], []) for key in GROUP_KEYS}
    for (
        pk,
        clinic_id,
        patient_id,
        consultation_at,
        readiness_status,
        progress_percent,
        open_flags,
        first_attempt_score,
        progress_stamp,
        full_name,
        email,
        question_count,
        decisional_conflict,
        expectations_to_discuss,
        group_index,
        group_size,
    ) in rows:
        group = groups[GROUP_KEYS[group_index]]
        group.more = max(0, group_size - WEEK_GROUP_ROWS[group.key])
        enrollment = WeekEnrollment(
            pk=pk,
            clinic_id=clinic_id,
            patient_id=patient_id,
            consultation_at=consultation_at,
            readiness_status=readiness_status,
            progress_percent=progress_percent,
            open_flags=open_flags,
            first_attempt_score=first_attempt_score,
            progress_stamp=progress_stamp,
            patient=WeekPatient(full_name, email),
            question_count=question_count or 0,
            decisional_conflict=bool(decisional_conflict),
            expectations_to_discuss=bool(expectations_to_discuss),
        )
        local_at = timezone.localtime(consultation_at, tz)
        group.rows.append(WeekRow(enrollment, local_at))
    return list(groups.values())
