"""Whenever the demo is loaded, clinician@demo.test has consultations today in
time order (in the clinic's time zone, still today late at night), then tomorrow
and later this week."""

import zoneinfo
from datetime import date, datetime, time

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from education.curriculum.loader import load_curriculum
from education.demo import demo_week_book, demo_week_times
from education.selectors.week import consultation_week_for_staff

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def local(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK)


def local_times(times):
    return [(when.astimezone(NEW_YORK).date(), when.astimezone(NEW_YORK).time()) for when in times]


MONDAY = date(2027, 3, 1)
SATURDAY = date(2027, 3, 6)
SUNDAY = date(2027, 3, 7)


def test_an_early_monday_starts_at_nine_then_tomorrow_and_two_later_days():
    times = local_times(demo_week_times(now=local(MONDAY, 7, 10), tz=NEW_YORK))
    assert times == [
        (MONDAY, time(9, 0)),
        (MONDAY, time(9, 45)),
        (MONDAY, time(10, 30)),
        (date(2027, 3, 2), time(9, 30)),
        (date(2027, 3, 2), time(11, 0)),
        (date(2027, 3, 3), time(10, 0)),
        (date(2027, 3, 4), time(15, 0)),
    ]


def test_during_the_day_today_starts_at_the_next_quarter_hour_after_fifteen_minutes():
    times = demo_week_times(now=local(MONDAY, 13, 52), tz=NEW_YORK)
    assert local_times(times[:3]) == [
        (MONDAY, time(14, 15)),
        (MONDAY, time(15, 0)),
        (MONDAY, time(15, 45)),
    ]


@pytest.mark.parametrize(("hour", "minute"), [(23, 30), (23, 50), (22, 0)])
def test_late_in_the_day_every_consultation_is_still_today_and_in_order(hour, minute):
    now = local(MONDAY, hour, minute)
    today = demo_week_times(now=now, tz=NEW_YORK)[:3]
    assert [when.date() for when in today] == [MONDAY] * 3
    assert today == sorted(today)
    assert today[-1].time() <= time(23, 45)


def test_at_23_30_the_last_one_is_still_ahead():
    now = local(MONDAY, 23, 30)
    today = demo_week_times(now=now, tz=NEW_YORK)[:3]
    assert today[-1] > now
    assert local_times(today) == [
        (MONDAY, time(22, 15)),
        (MONDAY, time(23, 0)),
        (MONDAY, time(23, 45)),
    ]


@pytest.mark.parametrize(
    ("day", "later"), [(SATURDAY, []), (SUNDAY, []), (date(2027, 3, 5), [SUNDAY])]
)
def test_the_week_ends_on_sunday(day, later):
    times = demo_week_times(now=local(day, 10), tz=NEW_YORK)
    assert [when.date() for when in times[5:]] == later


def test_the_clinics_own_time_zone_decides_what_today_is():
    # 03:30 UTC on Tuesday is 22:30 on Monday in New York.
    now = datetime(2027, 3, 2, 3, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    today = demo_week_times(now=now, tz=NEW_YORK)[:3]
    assert [when.astimezone(NEW_YORK).date() for when in today] == [MONDAY] * 3


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    load_curriculum()
    call_command("seed_demo", "--patients", "12")
    return User.objects.get(email="clinician@demo.test")


def week(clinician, now):
    groups = consultation_week_for_staff(clinician, tz=NEW_YORK, now=now)
    return {group.key: [row.local_at for row in group.rows] for group in groups}


def test_loading_the_demo_books_consultations_today_for_the_demo_clinician(demo):
    groups = week(demo, timezone.now())
    assert len(groups["today"]) >= 3
    assert groups["today"] == sorted(groups["today"])


@pytest.mark.parametrize(
    "now", [local(MONDAY, 8), local(MONDAY, 23, 30), local(SUNDAY, 23, 30), local(SUNDAY, 12)]
)
def test_booked_week_shows_today_in_time_order_then_tomorrow_and_later(demo, now):
    booked = demo_week_book(clinic=demo.clinic, clinician=demo, now=now)
    assert len(booked) >= 5
    groups = week(demo, now)
    today = [when for when in booked if when.date() == now.date()]
    assert today and set(today) <= set(groups["today"])
    assert groups["today"] == sorted(groups["today"])
    if now.weekday() != 6:  # on a Sunday, tomorrow is next week
        assert len(groups["tomorrow"]) >= 2
    if now.weekday() == 0:
        assert len(groups["later"]) >= 2


def test_the_demo_patient_is_booked_first_today(demo):
    now = local(MONDAY, 8)
    demo_week_book(clinic=demo.clinic, clinician=demo, now=now)
    patient = User.objects.get(email="patient@demo.test")
    assert patient.patient_profile.consultation_at == local(MONDAY, 9)
    assert patient.enrollments.get().consultation_at == local(MONDAY, 9)
