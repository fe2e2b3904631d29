"""The demo clinician's week: whenever the demo is loaded, ``clinician@demo.test``
has consultations today (in time order, in the clinic's time zone), tomorrow and
later this week, so the clinic home is never empty in a demonstration."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from accounts.models import Clinic, PatientProfile, User

from ..models import Enrollment
from .accounts import DEMO_DOMAIN

TODAY_COUNT = 3
SPACING = timedelta(minutes=45)
DAY_START = time(9, 0)
LAST_START = time(23, 45)
TOMORROW = (time(9, 30), time(11, 0))
LATER = (time(10, 0), time(15, 0))


def _at(day: date, clock: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def _next_quarter_hour(moment: datetime) -> datetime:
    moment = moment.replace(second=0, microsecond=0)
    return moment + timedelta(minutes=-moment.minute % 15)


def demo_week_times(*, now: datetime, tz: tzinfo) -> list[datetime]:
    """The times to book, in order. Today: ``TODAY_COUNT`` consultations 45
    minutes apart from the next quarter hour at least 15 minutes ahead (not before
    9:00). Late in the day they end at 23:45 instead, the first ones earlier
    today, with no outcome recorded, so they are still today's. Then two tomorrow
    and, on the next days of this week (to Sunday), up to two more."""
    local = now.astimezone(tz)
    today = local.date()
    start = max(_next_quarter_hour(local + timedelta(minutes=15)), _at(today, DAY_START, tz))
    latest = _at(today, LAST_START, tz)
    if start + SPACING * (TODAY_COUNT - 1) > latest:
        start = latest - SPACING * (TODAY_COUNT - 1)
    times = [start + SPACING * i for i in range(TODAY_COUNT)]
    tomorrow = today + timedelta(days=1)
    times += [_at(tomorrow, clock, tz) for clock in TOMORROW]
    later_days = [today + timedelta(days=n) for n in range(2, 7 - today.weekday())]
    times += [_at(day, clock, tz) for day, clock in zip(later_days, LATER, strict=False)]
    return times


def demo_week_book(*, clinic: Clinic, clinician: User, now: datetime) -> list[datetime]:
    """Give the clinician's patients (the demo patient first, then synthetic
    patients by e-mail) the consultation times of ``demo_week_times``, on the
    profile and on the dashboard row. Returns the times booked."""
    times = demo_week_times(now=now, tz=clinic.tzinfo)
    rows = Enrollment.objects.filter(
        clinic=clinic, patient__patient_profile__primary_clinician=clinician
    ).select_related("patient__patient_profile")
    demo_email = f"patient@{DEMO_DOMAIN}"
    enrollments = list(rows.filter(patient__email=demo_email))
    others = rows.exclude(patient__email=demo_email).order_by("patient__email")
    enrollments += others[: len(times) - len(enrollments)]
    booked = list(zip(enrollments, times, strict=False))
    profiles = []
    for enrollment, when in booked:
        enrollment.consultation_at = when
        profile: PatientProfile = enrollment.patient.patient_profile
        profile.consultation_at = when
        profiles.append(profile)
    Enrollment.objects.bulk_update([row for row, _ in booked], ["consultation_at"])
    PatientProfile.objects.bulk_update(profiles, ["consultation_at"])
    return [when for _, when in booked]
