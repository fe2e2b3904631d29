"""The clinic home starts with this week's consultations: today in time order
(clinic time zone), tomorrow, the rest of the week; a consultation leaves once
an outcome is recorded for it. One query, however many patients."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from education import services
from education.models import Enrollment
from education.models.assessment import SelfCheck
from education.selectors.week import (
    WEEK_GROUP_ROWS,
    _compiled_week,
    _day_start,
    _week_query,
    _week_rows,
    consultation_week_for_staff,
)
from tests.builders import make_patient
from tests.education.pages import enrollment_of
from tests.education.test_clinic_dashboard import DASHBOARD_QUERIES, bulk_patients

NY = zoneinfo.ZoneInfo("America/New_York")
# A Wednesday, noon in New York.
NOW = datetime(2030, 3, 6, 12, 0, tzinfo=NY)


def booked(clinic, pathway, name, when, **extra):
    patient = make_patient(clinic=clinic, pathway=pathway, full_name=name)
    Enrollment.objects.filter(patient=patient).update(consultation_at=when, **extra)
    return patient


@pytest.fixture
def week(clinic, other_clinic, pathway, clinician):
    clinic.timezone = "America/New_York"
    clinic.save()
    at = lambda d, h, m=0: datetime(2030, 3, d, h, m, tzinfo=NY)  # noqa: E731
    booked(clinic, pathway, "Late Tonight", at(6, 23, 30))  # already Thursday in UTC
    booked(clinic, pathway, "This Afternoon", at(6, 15), open_flags=2)
    booked(clinic, pathway, "This Morning", at(6, 9))
    seen = booked(clinic, pathway, "Seen Early", at(6, 8))
    services.consultation_outcome_record(
        staff=clinician, enrollment=enrollment_of(seen), outcome="consented"
    )
    booked(clinic, pathway, "Tomorrow Patient", at(7, 10))
    booked(clinic, pathway, "Sunday Patient", at(10, 20))
    booked(clinic, pathway, "Next Monday", at(11, 9))
    booked(clinic, pathway, "Monday Missed", at(4, 9))
    booked(clinic, pathway, "Long Ago", at(1, 9) - timezone.timedelta(days=20))
    booked(other_clinic, pathway, "Other Clinic", at(6, 10))
    return clinic


def names(groups):
    return {g.key: [r.enrollment.patient.full_name for r in g.rows] for g in groups}


def test_week_groups_in_time_order_in_the_clinic_time_zone(week, clinician):
    groups = consultation_week_for_staff(clinician, tz=week.tzinfo, now=NOW)
    assert names(groups) == {
        "earlier": ["Monday Missed"],
        "today": ["This Morning", "This Afternoon", "Late Tonight"],
        "tomorrow": ["Tomorrow Patient"],
        "later": ["Sunday Patient"],
    }


def test_a_consultation_leaves_the_list_once_its_outcome_is_recorded(week, clinician):
    patient = enrollment_of(Enrollment.objects.get(patient__full_name="This Morning").patient)
    services.consultation_outcome_record(
        staff=clinician, enrollment=patient, outcome="did_not_attend"
    )
    today = names(consultation_week_for_staff(clinician, tz=week.tzinfo, now=NOW))["today"]
    assert today == ["This Afternoon", "Late Tonight"]


def test_to_discuss_line_speaks_of_flags_with_plurals(week, clinician):
    groups = consultation_week_for_staff(clinician, tz=week.tzinfo, now=NOW)
    line = {r.enrollment.patient.full_name: r.to_discuss for g in groups for r in g.rows}
    assert line["This Afternoon"].startswith("2 open flags")
    assert line["This Morning"] == "has not started the pathway"


def test_to_discuss_line_names_decisional_conflict_and_expectations_first(week, clinician):
    afternoon = Enrollment.objects.get(patient__full_name="This Afternoon")
    SelfCheck.objects.create(enrollment=afternoon, kind="sure", answers={}, flagged=True)
    SelfCheck.objects.create(enrollment=afternoon, kind="expect_after", answers={}, flagged=True)
    morning = Enrollment.objects.get(patient__full_name="This Morning")
    SelfCheck.objects.create(enrollment=morning, kind="sure", answers={}, flagged=False)
    groups = consultation_week_for_staff(clinician, tz=week.tzinfo, now=NOW)
    line = {r.enrollment.patient.full_name: r.to_discuss for g in groups for r in g.rows}
    assert line["This Afternoon"].startswith(
        "decisional conflict (SURE) · expectations to discuss · 2 open flags"
    )
    assert line["This Morning"] == "has not started the pathway"


def test_week_with_self_check_flags_is_still_one_query(week, clinician, django_assert_num_queries):
    for enrollment in Enrollment.objects.filter(clinic=week):
        SelfCheck.objects.create(enrollment=enrollment, kind="sure", answers={}, flagged=True)
    with django_assert_num_queries(1):
        groups = consultation_week_for_staff(clinician, tz=week.tzinfo, now=NOW)
        lines = [r.to_discuss for g in groups for r in g.rows]
    assert lines and all("decisional conflict (SURE)" in line for line in lines)


def test_clinic_home_starts_with_the_week_then_the_dashboard(clinician_client, clinic, pathway):
    booked(clinic, pathway, "Soon Patient", timezone.now() - timezone.timedelta(hours=1))
    page = clinician_client.get("/clinic/").content.decode()
    assert page.index("Consultations this week") < page.index('id="patient-table"')
    assert page.index("Soon Patient") < page.index('id="patient-table"')
    assert "0 open flags" in page


def test_filter_swap_does_not_repeat_the_week(clinician_client, clinic, pathway):
    booked(clinic, pathway, "Soon Patient", timezone.now() - timezone.timedelta(hours=1))
    html = clinician_client.get("/clinic/", headers={"HX-Request": "true"}).content.decode()
    assert "Consultations this week" not in html


def test_week_query_count_is_the_same_for_10_and_200_consultations(
    clinician_client, clinic, pathway, django_assert_num_queries
):
    # An hour ago, with no outcome yet: on the list whatever the day of the week
    # (a time ahead could fall into next week late on a Sunday).
    soon = timezone.now() - timezone.timedelta(hours=1)
    bulk_patients(clinic, pathway, 10, prefix="Small", consultation_at=soon)
    clinician_client.get("/clinic/")  # the first request of a session also writes the session
    with django_assert_num_queries(DASHBOARD_QUERIES):
        clinician_client.get("/clinic/")
    bulk_patients(clinic, pathway, 190, prefix="Large", consultation_at=soon)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = clinician_client.get("/clinic/")
    # One group, capped; the page counts the rest and links to the full list.
    page = response.content.decode()
    shown = page.count('class="week-row"')
    assert shown in (WEEK_GROUP_ROWS["today"], WEEK_GROUP_ROWS["earlier"])
    assert f"And {200 - shown} more." in page
    assert "See every consultation in the patient list" in page


def test_each_group_shows_its_first_rows_and_counts_the_rest(week, clinic, pathway, clinician):
    at = datetime(2030, 3, 6, 16, 0, tzinfo=NY)
    extra = WEEK_GROUP_ROWS["today"] + 3
    bulk_patients(clinic, pathway, extra, prefix="Busy", consultation_at=at)
    groups = {g.key: g for g in consultation_week_for_staff(clinician, tz=week.tzinfo, now=NOW)}
    today = groups["today"]
    assert len(today.rows) == WEEK_GROUP_ROWS["today"]
    # The morning and afternoon fixture patients come before the busy hour.
    assert [r.enrollment.patient.full_name for r in today.rows[:2]] == [
        "This Morning",
        "This Afternoon",
    ]
    # Today: the three fixture patients (with "Late Tonight") and the busy hour.
    assert today.more == 3 + extra - WEEK_GROUP_ROWS["today"]
    assert groups["tomorrow"].more == 0
    assert [r.enrollment.patient.full_name for r in groups["tomorrow"].rows] == ["Tomorrow Patient"]


def test_on_a_sunday_tomorrow_is_still_listed(week, clinician):
    sunday = datetime(2030, 3, 10, 8, 0, tzinfo=NY)
    groups = names(consultation_week_for_staff(clinician, tz=week.tzinfo, now=sunday))
    assert groups["today"] == ["Sunday Patient"]
    assert groups["tomorrow"] == ["Next Monday"]
    assert groups["later"] == []


def _this_week(day):
    starts = tuple(_day_start(day + timedelta(days=n), NY) for n in range(3))
    return starts, _day_start(day + timedelta(days=7 - day.weekday()), NY)


def test_the_compiled_week_query_reads_what_the_orm_reads(week, clinician):
    # The week's SQL is compiled once a day and clinic; its rows are read each time.
    starts, end = _this_week(NOW.date())
    orm = list(_week_query(week.pk, starts, end))
    assert orm
    assert _week_rows(week.pk, starts, end) == orm
    Enrollment.objects.filter(patient__full_name="This Morning").update(open_flags=4)
    again = _week_rows(week.pk, starts, end)
    assert again == list(_week_query(week.pk, starts, end))
    assert again != orm


def test_the_compiled_week_query_is_one_query_and_one_a_day(
    week, clinician, django_assert_num_queries
):
    _compiled_week.cache_clear()
    for _ in range(3):
        with django_assert_num_queries(1):
            consultation_week_for_staff(clinician, tz=week.tzinfo, now=NOW)
    assert _compiled_week.cache_info().currsize == 1
    consultation_week_for_staff(clinician, tz=week.tzinfo, now=NOW + timedelta(days=1))
    assert _compiled_week.cache_info().currsize == 2


def test_week_rows_of_each_clinic_are_its_own(
    week, other_clinic, clinician, other_clinic_clinician
):
    ours = names(consultation_week_for_staff(clinician, tz=week.tzinfo, now=NOW))
    theirs = names(consultation_week_for_staff(other_clinic_clinician, tz=week.tzinfo, now=NOW))
    assert theirs["today"] == ["Other Clinic"]
    assert "Other Clinic" not in [name for group in ours.values() for name in group]
