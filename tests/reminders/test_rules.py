"""Reminder rules as tables: plain data in, a decision out, no database."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminders import rules
from reminders.rules import (
    ClinicFacts,
    DigestPatient,
    History,
    InvitationFacts,
    PatientFacts,
    Rule,
    Suppression,
)

NY = ClinicFacts(timezone="America/New_York")
# 15:00 in New York on a Wednesday: a daytime moment in the clinic's zone.
NOW = datetime(2026, 3, 11, 15, 0, tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def patient(**overrides) -> PatientFacts:
    values = {
        "status": rules.IN_PROGRESS,
        "percent": 40,
        "open_flags": 0,
        "enrolled_at": NOW - 20 * DAY,
        "last_activity_at": NOW - DAY,
        "consultation_at": NOW + 20 * DAY,
    }
    values.update(overrides)
    return PatientFacts(**values)


def at_local(day_offset: int, hour: int, tz: str = "America/New_York") -> datetime:
    here = NOW.astimezone(ZoneInfo(tz))
    moment = (here + day_offset * DAY).replace(hour=hour, minute=0)
    return moment.astimezone(UTC)


# --- Which rule is due ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected_rule", "expected_key"),
    [
        # Accepted but not started.
        (
            patient(status=rules.NOT_STARTED, last_activity_at=None, enrolled_at=NOW - 2 * DAY),
            None,
            "",
        ),
        (
            patient(status=rules.NOT_STARTED, last_activity_at=None, enrolled_at=NOW - 3 * DAY),
            Rule.NOT_STARTED,
            "once",
        ),
        # Stalled: started, not ready, 5 days idle.
        (patient(last_activity_at=NOW - 4 * DAY), None, ""),
        (patient(last_activity_at=NOW - 5 * DAY), Rule.STALLED, (NOW - 5 * DAY).isoformat()),
        (
            patient(status=rules.NEEDS_DISCUSSION, open_flags=1, last_activity_at=NOW - 9 * DAY),
            Rule.STALLED,
            (NOW - 9 * DAY).isoformat(),
        ),
        # Consultation within 72 hours (and not tomorrow).
        (patient(consultation_at=NOW + 73 * HOUR), None, ""),
        (
            patient(consultation_at=at_local(2, 17)),
            Rule.CONSULTATION_72H,
            at_local(2, 17).isoformat(),
        ),
        # The day before the consultation wins over the 72-hour one and over stalling.
        (
            patient(consultation_at=at_local(1, 9), last_activity_at=NOW - 8 * DAY),
            Rule.DAY_BEFORE,
            at_local(1, 9).isoformat(),
        ),
        # Today's consultation is not "tomorrow": the 72-hour rule still applies.
        (
            patient(consultation_at=NOW + 3 * HOUR),
            Rule.CONSULTATION_72H,
            (NOW + 3 * HOUR).isoformat(),
        ),
    ],
)
def test_the_most_urgent_rule_whose_moment_has_come_is_due(facts, expected_rule, expected_key):
    decision = rules.patient_decision(facts, NOW, NY, History())
    assert decision.rule == expected_rule
    assert decision.key == expected_key
    assert decision.is_due is (expected_rule is not None)


def test_the_day_before_is_the_clinic_local_day():
    # 23:30 UTC on the 11th is 19:30 on the 11th in New York: a consultation at
    # 09:00 New York time on the 12th is tomorrow there, though the same UTC day+1.
    now = datetime(2026, 3, 11, 23, 30, tzinfo=UTC)
    facts = patient(consultation_at=datetime(2026, 3, 12, 13, 0, tzinfo=UTC))
    assert rules.patient_decision(facts, now, NY, History()).rule == Rule.DAY_BEFORE
    # In Tokyo it is already the 12th: the same consultation is today, not tomorrow.
    tokyo = ClinicFacts(timezone="Asia/Tokyo")
    noon_tokyo = datetime(2026, 3, 12, 3, 0, tzinfo=UTC)
    decision = rules.patient_decision(
        patient(consultation_at=datetime(2026, 3, 12, 8, 0, tzinfo=UTC)),
        noon_tokyo,
        tokyo,
        History(),
    )
    assert decision.rule == Rule.CONSULTATION_72H


def test_the_reason_says_what_is_left_in_plain_words():
    decision = rules.patient_decision(
        patient(
            status=rules.NEEDS_DISCUSSION, percent=70, open_flags=2, consultation_at=at_local(2, 17)
        ),
        NOW,
        NY,
        History(),
    )
    assert "70% of the preparation done" in decision.reason
    assert "2 checklist answers to talk over" in decision.reason
    assert at_local(2, 17).astimezone(NY.tzinfo).strftime("%Y-%m-%d %H:%M") in decision.reason


def test_an_occurrence_already_sent_is_not_due_again_and_the_next_one_is():
    facts = patient(consultation_at=at_local(2, 17), last_activity_at=NOW - 6 * DAY)
    first = rules.patient_decision(facts, NOW, NY, History())
    assert first.rule == Rule.CONSULTATION_72H
    history = History(last_sent_at=NOW - 49 * HOUR, sent=frozenset({(first.rule.value, first.key)}))
    assert rules.patient_decision(facts, NOW, NY, history).rule == Rule.STALLED


def test_a_new_stall_after_new_activity_is_a_new_occurrence():
    old = patient(last_activity_at=NOW - 12 * DAY)
    sent = rules.patient_decision(old, NOW - 6 * DAY, NY, History())
    assert sent.rule == Rule.STALLED
    history = History(last_sent_at=NOW - 6 * DAY, sent=frozenset({(sent.rule.value, sent.key)}))
    assert rules.patient_decision(old, NOW, NY, history).rule is None
    newer = patient(last_activity_at=NOW - 5 * DAY)
    assert rules.patient_decision(newer, NOW, NY, history).is_due


# --- Invitations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "sent", "expected_key"),
    [
        (2 * DAY, frozenset(), None),
        (3 * DAY, frozenset(), "3d"),
        (5 * DAY, frozenset({("invitation", "3d")}), None),
        (7 * DAY, frozenset({("invitation", "3d")}), "7d"),
        # Missed the first: only the second is sent, not both.
        (8 * DAY, frozenset(), "7d"),
        # After the second, never again.
        (30 * DAY, frozenset({("invitation", "3d"), ("invitation", "7d")}), None),
    ],
)
def test_an_invitation_is_recalled_after_3_days_once_more_after_7_then_never(
    age, sent, expected_key
):
    decision = rules.invitation_decision(
        InvitationFacts(created_at=NOW - age),
        NOW,
        NY,
        History(last_sent_at=NOW - 4 * DAY, sent=sent),
    )
    if expected_key is None:
        assert not decision.is_due
    else:
        assert decision.is_due
        assert (decision.rule, decision.key) == (Rule.INVITATION, expected_key)


# --- Suppressions ----------------------------------------------------------------------

DUE = patient(last_activity_at=NOW - 6 * DAY)  # stalled: due when nothing suppresses it


@pytest.mark.parametrize(
    ("facts", "now", "clinic", "history", "suppression"),
    [
        (
            patient(last_activity_at=NOW - 6 * DAY, opted_out=True),
            NOW,
            NY,
            History(),
            Suppression.OPTED_OUT,
        ),
        (
            patient(status=rules.READY, percent=100, last_activity_at=NOW - 6 * DAY),
            NOW,
            NY,
            History(),
            Suppression.READY,
        ),
        (
            patient(last_activity_at=NOW - 6 * DAY, consultation_at=NOW - HOUR),
            NOW,
            NY,
            History(),
            Suppression.CONSULTATION_OVER,
        ),
        (
            DUE,
            NOW,
            ClinicFacts(timezone=NY.timezone, rules_off=frozenset({"stalled"})),
            History(),
            Suppression.RULE_OFF,
        ),
        (DUE, NOW, NY, History(last_sent_at=NOW - 47 * HOUR), Suppression.RECENTLY_REMINDED),
        (DUE, at_local(0, 20), NY, History(), Suppression.QUIET_HOURS),
        (DUE, at_local(1, 7), NY, History(), Suppression.QUIET_HOURS),
        (
            patient(last_activity_at=NOW - 6 * DAY, active=False),
            NOW,
            NY,
            History(),
            Suppression.INACTIVE,
        ),
    ],
    ids=[
        "opted-out",
        "ready",
        "after-consultation",
        "rule-off",
        "within-48h",
        "20:00",
        "07:00",
        "inactive",
    ],
)
def test_each_suppression_holds_a_due_reminder_back(facts, now, clinic, history, suppression):
    decision = rules.patient_decision(facts, now, clinic, history)
    assert decision.rule == Rule.STALLED
    assert decision.suppressed_by == suppression
    assert not decision.is_due


@pytest.mark.parametrize(
    ("now", "history"),
    [
        (at_local(1, 8), History()),  # 08:00 sharp: the morning
        (at_local(0, 19) + 59 * timedelta(minutes=1), History()),  # 19:59
        (NOW, History(last_sent_at=NOW - 48 * HOUR)),  # exactly 48 hours later
    ],
)
def test_the_edges_of_the_suppressions_let_the_reminder_through(now, history):
    assert rules.patient_decision(DUE, now, NY, history).is_due


def test_a_switched_off_rule_gives_way_to_the_next_one_the_clinic_runs():
    facts = patient(consultation_at=at_local(2, 17), last_activity_at=NOW - 6 * DAY)
    clinic = ClinicFacts(timezone=NY.timezone, rules_off=frozenset({"consultation_72h"}))
    assert rules.patient_decision(facts, NOW, clinic, History()).rule == Rule.STALLED


@pytest.mark.parametrize(
    ("facts", "now", "clinic", "history", "suppression"),
    [
        (
            InvitationFacts(created_at=NOW - 4 * DAY, opted_out=True),
            NOW,
            NY,
            History(),
            Suppression.OPTED_OUT,
        ),
        (
            InvitationFacts(created_at=NOW - 4 * DAY, consultation_at=NOW - DAY),
            NOW,
            NY,
            History(),
            Suppression.CONSULTATION_OVER,
        ),
        (
            InvitationFacts(created_at=NOW - 4 * DAY),
            NOW,
            ClinicFacts(rules_off=frozenset({"invitation"})),
            History(),
            Suppression.RULE_OFF,
        ),
        (
            InvitationFacts(created_at=NOW - 4 * DAY),
            NOW,
            NY,
            History(last_sent_at=NOW - DAY),
            Suppression.RECENTLY_REMINDED,
        ),
        (
            InvitationFacts(created_at=NOW - 4 * DAY),
            at_local(0, 22),
            NY,
            History(),
            Suppression.QUIET_HOURS,
        ),
    ],
    ids=["opted-out", "after-consultation", "rule-off", "within-48h", "night"],
)
def test_each_suppression_holds_an_invitation_reminder_back(
    facts, now, clinic, history, suppression
):
    decision = rules.invitation_decision(facts, now, clinic, history)
    assert decision.rule == Rule.INVITATION
    assert decision.suppressed_by == suppression


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (patient(), None),
        (patient(opted_out=True), Suppression.OPTED_OUT),
        (patient(status=rules.READY), Suppression.READY),
        (patient(consultation_at=NOW - HOUR), Suppression.CONSULTATION_OVER),
        (patient(active=False), Suppression.INACTIVE),
    ],
)
def test_a_queued_reminder_is_checked_again_before_it_goes_out(facts, expected):
    assert rules.still_wanted(facts, NOW) == expected


@pytest.mark.parametrize(
    ("local_hour", "expected_hour", "day_offset"),
    [(21, 8, 1), (3, 8, 0), (10, 10, 0)],
)
def test_a_reminder_held_overnight_goes_out_at_eight_in_the_clinic(
    local_hour, expected_hour, day_offset
):
    now = at_local(0, local_hour)
    morning = rules.next_morning(now, NY).astimezone(NY.tzinfo)
    assert morning.hour == expected_hour
    assert morning.date() == now.astimezone(NY.tzinfo).date() + day_offset * DAY


# --- Clinician digest ------------------------------------------------------------------


def digest_patient(pid: int, *, status=rules.IN_PROGRESS, consultation_at=None) -> DigestPatient:
    return DigestPatient(
        patient_id=pid,
        name=f"P{pid}",
        status=status,
        percent=30,
        open_flags=0,
        consultation_at=consultation_at or NOW + DAY,
    )


def test_the_digest_lists_not_ready_patients_within_48_hours_soonest_first():
    morning = at_local(1, 8)
    patients = [
        digest_patient(1, consultation_at=morning + 30 * HOUR),
        digest_patient(2, consultation_at=morning + 2 * HOUR),
        digest_patient(3, status=rules.READY, consultation_at=morning + 3 * HOUR),
        digest_patient(4, consultation_at=morning + 49 * HOUR),
        digest_patient(5, consultation_at=morning - HOUR),
    ]
    decision = rules.digest_decision(patients, morning, NY, frozenset())
    assert decision.due
    assert decision.local_day == date(2026, 3, 12)
    assert [p.patient_id for p in decision.patients] == [2, 1]


@pytest.mark.parametrize(
    ("now", "patients", "sent_days"),
    [
        (at_local(1, 8), [digest_patient(3, status=rules.READY)], frozenset()),  # empty list
        (at_local(1, 8), [digest_patient(1)], frozenset({date(2026, 3, 12)})),  # already today
        (at_local(1, 6), [digest_patient(1)], frozenset()),  # before the morning
    ],
    ids=["nothing-to-say", "already-sent-today", "too-early"],
)
def test_no_digest_when_empty_already_sent_or_before_the_morning(now, patients, sent_days):
    assert not rules.digest_decision(patients, now, NY, sent_days).due
