"""Reminder rules: plain data in, a Decision out. No database access.

Which reminder is due for one patient (or one invited person) at ``now``, and
which suppression holds it back. The caller gathers the facts; ``now`` is
always passed in, and every clock time is read in the clinic's time zone.

Rules, most urgent first (at most one is chosen per person per run):

- ``day_before``: the clinic-local day before the consultation, not ready.
- ``consultation_72h``: the consultation is within 72 hours, not ready.
- ``stalled``: started, not ready, no activity for 5 days.
- ``not_started``: accepted the invitation 3 days ago, not started.
- ``invitation``: invitation not accepted after 3 days, once more after 7, then never.

Suppressions: opted out; ready; the consultation is over; the clinic switched
the rule off; at most one reminder per person per 48 hours; none between 20:00
and 08:00 clinic time (held until the morning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

INVITATION_FIRST = timedelta(days=3)
INVITATION_SECOND = timedelta(days=7)
NOT_STARTED_AFTER = timedelta(days=3)
STALLED_AFTER = timedelta(days=5)
CONSULTATION_WINDOW = timedelta(hours=72)
MIN_GAP = timedelta(hours=48)
QUIET_FROM = time(20, 0)
QUIET_UNTIL = time(8, 0)
DIGEST_WINDOW = timedelta(hours=48)

# The same values as education.models.ReadinessStatus.
NEEDS_DISCUSSION = "1_needs_discussion"
NOT_STARTED = "2_not_started"
IN_PROGRESS = "3_in_progress"
READY = "4_ready"


class Rule(StrEnum):
    DAY_BEFORE = "day_before"
    CONSULTATION_72H = "consultation_72h"
    STALLED = "stalled"
    NOT_STARTED = "not_started"
    INVITATION = "invitation"


class Suppression(StrEnum):
    OPTED_OUT = "opted_out"
    READY = "ready"
    CONSULTATION_OVER = "consultation_over"
    RULE_OFF = "rule_off"
    RECENTLY_REMINDED = "recently_reminded"
    QUIET_HOURS = "quiet_hours"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class History:
    """What was already sent to this person: the last send, and each
    (rule, occurrence key) pair ever recorded."""

    last_sent_at: datetime | None = None
    sent: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class ClinicFacts:
    timezone: str = "UTC"
    rules_off: frozenset[str] = frozenset()

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class PatientFacts:
    status: str
    percent: int
    open_flags: int
    enrolled_at: datetime
    last_activity_at: datetime | None = None
    consultation_at: datetime | None = None
    opted_out: bool = False
    active: bool = True


@dataclass(frozen=True)
class InvitationFacts:
    created_at: datetime
    consultation_at: datetime | None = None
    opted_out: bool = False


@dataclass(frozen=True)
class Decision:
    """``rule`` is due when ``suppressed_by`` is None; ``key`` tells one
    occurrence from the next (a unique constraint holds it once)."""

    rule: Rule | None = None
    key: str = ""
    reason: str = ""
    suppressed_by: Suppression | None = None

    @property
    def is_due(self) -> bool:
        return self.rule is not None and self.suppressed_by is None


NOTHING = Decision()


# --- Helpers --------------------------------------------------------------------------


def local(moment: datetime, clinic: ClinicFacts) -> datetime:
    return moment.astimezone(clinic.tzinfo)


def in_quiet_hours(now: datetime, clinic: ClinicFacts) -> bool:
    clock = local(now, clinic).time()
    return clock >= QUIET_FROM or clock < QUIET_UNTIL


def next_morning(now: datetime, clinic: ClinicFacts) -> datetime:
    """The first moment at or after ``now`` outside quiet hours."""
    here = local(now, clinic)
    if not in_quiet_hours(now, clinic):
        return now
    day = here.date() if here.time() < QUIET_UNTIL else here.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=clinic.tzinfo)


def local_date(moment: datetime, clinic: ClinicFacts) -> date:
    return local(moment, clinic).date()


def is_ready(status: str) -> bool:
    return status == READY


def consultation_over(consultation_at: datetime | None, now: datetime) -> bool:
    return consultation_at is not None and consultation_at <= now


def what_is_left(status: str, percent: int, open_flags: int) -> tuple[str, ...]:
    """Plain reasons read from the readiness snapshot."""
    if is_ready(status):
        return ()
    reasons = []
    if status == NOT_STARTED:
        reasons.append(_("Preparation not started"))
    else:
        reasons.append(_("%(percent)s%% of the preparation done") % {"percent": percent})
    if open_flags:
        reasons.append(
            ngettext(
                "%(count)s checklist answer to talk over",
                "%(count)s checklist answers to talk over",
                open_flags,
            )
            % {"count": open_flags}
        )
    return tuple(reasons)


def _consultation_label(consultation_at: datetime, clinic: ClinicFacts) -> str:
    return local(consultation_at, clinic).strftime("%Y-%m-%d %H:%M")


def _hold(decision: Decision, history: History, now: datetime, clinic: ClinicFacts) -> Decision:
    """The suppressions that hold a due reminder back for now (it comes later)."""
    if history.last_sent_at is not None and now - history.last_sent_at < MIN_GAP:
        return Decision(decision.rule, decision.key, decision.reason, Suppression.RECENTLY_REMINDED)
    if in_quiet_hours(now, clinic):
        return Decision(decision.rule, decision.key, decision.reason, Suppression.QUIET_HOURS)
    return decision


# --- The rules ------------------------------------------------------------------------


def patient_candidates(facts: PatientFacts, now: datetime, clinic: ClinicFacts) -> list[Decision]:
    """Every rule whose moment has come, most urgent first, before suppressions."""
    found = []
    left = "; ".join(what_is_left(facts.status, facts.percent, facts.open_flags))
    consultation = facts.consultation_at
    if consultation is not None and consultation > now:
        key = consultation.isoformat()
        label = _consultation_label(consultation, clinic)
        if local_date(consultation, clinic) - local_date(now, clinic) == timedelta(days=1):
            found.append(
                Decision(
                    Rule.DAY_BEFORE,
                    key,
                    _("Consultation tomorrow (%(when)s); %(left)s") % {"when": label, "left": left},
                )
            )
        if consultation - now <= CONSULTATION_WINDOW:
            found.append(
                Decision(
                    Rule.CONSULTATION_72H,
                    key,
                    _("Consultation within 72 hours (%(when)s); %(left)s")
                    % {"when": label, "left": left},
                )
            )
    started = facts.status != NOT_STARTED
    if started and facts.last_activity_at is not None:
        idle = now - facts.last_activity_at
        if idle >= STALLED_AFTER:
            found.append(
                Decision(
                    Rule.STALLED,
                    facts.last_activity_at.isoformat(),
                    _("No activity for %(days)s days; %(left)s")
                    % {"days": idle.days, "left": left},
                )
            )
    if not started and now - facts.enrolled_at >= NOT_STARTED_AFTER:
        found.append(
            Decision(
                Rule.NOT_STARTED,
                "once",
                _("Joined %(days)s days ago; not started")
                % {"days": (now - facts.enrolled_at).days},
            )
        )
    return found


def patient_decision(
    facts: PatientFacts, now: datetime, clinic: ClinicFacts, history: History
) -> Decision:
    """The one reminder due for a patient now, or why none is."""
    candidates = [
        c for c in patient_candidates(facts, now, clinic) if (c.rule, c.key) not in history.sent
    ]
    if not candidates:
        return NOTHING
    first = candidates[0]
    if not facts.active:
        return Decision(first.rule, first.key, first.reason, Suppression.INACTIVE)
    if facts.opted_out:
        return Decision(first.rule, first.key, first.reason, Suppression.OPTED_OUT)
    if is_ready(facts.status):
        return Decision(first.rule, first.key, first.reason, Suppression.READY)
    if consultation_over(facts.consultation_at, now):
        return Decision(first.rule, first.key, first.reason, Suppression.CONSULTATION_OVER)
    enabled = [c for c in candidates if c.rule not in clinic.rules_off]
    if not enabled:
        return Decision(first.rule, first.key, first.reason, Suppression.RULE_OFF)
    return _hold(enabled[0], history, now, clinic)


def invitation_decision(
    facts: InvitationFacts, now: datetime, clinic: ClinicFacts, history: History
) -> Decision:
    """An invitation not accepted: a reminder after 3 days, once more after 7, then never."""
    age = now - facts.created_at
    if age < INVITATION_FIRST:
        return NOTHING
    key = "7d" if age >= INVITATION_SECOND else "3d"
    if (Rule.INVITATION.value, key) in history.sent:
        return NOTHING
    decision = Decision(
        Rule.INVITATION,
        key,
        _("Invitation not accepted after %(days)s days") % {"days": age.days},
    )
    if facts.opted_out:
        return Decision(decision.rule, key, decision.reason, Suppression.OPTED_OUT)
    if consultation_over(facts.consultation_at, now):
        return Decision(decision.rule, key, decision.reason, Suppression.CONSULTATION_OVER)
    if Rule.INVITATION in clinic.rules_off:
        return Decision(decision.rule, key, decision.reason, Suppression.RULE_OFF)
    return _hold(decision, history, now, clinic)


# --- Delivery-time checks -------------------------------------------------------------


def still_wanted(facts: PatientFacts, now: datetime) -> Suppression | None:
    """Checked again just before a queued reminder goes out: the patient may
    have finished, opted out or had the consultation since it was queued."""
    if not facts.active:
        return Suppression.INACTIVE
    if facts.opted_out:
        return Suppression.OPTED_OUT
    if is_ready(facts.status):
        return Suppression.READY
    if consultation_over(facts.consultation_at, now):
        return Suppression.CONSULTATION_OVER
    return None


# --- Clinician digest -----------------------------------------------------------------


@dataclass(frozen=True)
class DigestPatient:
    patient_id: int
    name: str
    status: str
    percent: int
    open_flags: int
    consultation_at: datetime


@dataclass(frozen=True)
class DigestDecision:
    due: bool
    local_day: date | None = None
    patients: tuple[DigestPatient, ...] = field(default_factory=tuple)


def digest_patients(patients: list[DigestPatient], now: datetime) -> tuple[DigestPatient, ...]:
    """Not ready, with a consultation in the next 48 hours, soonest first."""
    chosen = [
        p
        for p in patients
        if not is_ready(p.status) and now < p.consultation_at <= now + DIGEST_WINDOW
    ]
    return tuple(sorted(chosen, key=lambda p: (p.consultation_at, p.patient_id)))


def digest_decision(
    patients: list[DigestPatient], now: datetime, clinic: ClinicFacts, sent_days: frozenset[date]
) -> DigestDecision:
    """One digest per clinician each clinic-local morning; none when the list is empty."""
    if in_quiet_hours(now, clinic):
        return DigestDecision(due=False)
    day = local_date(now, clinic)
    if day in sent_days:
        return DigestDecision(due=False, local_day=day)
    chosen = digest_patients(patients, now)
    return DigestDecision(due=bool(chosen), local_day=day, patients=chosen)
