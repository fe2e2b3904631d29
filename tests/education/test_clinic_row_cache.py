"""The clinic home caches each row's HTML under everything the row shows
(views.clinic._rows_html). A clinician must never see a stale row: each test
loads the page (filling the cache), changes one thing a row shows, through the
service a user would use where there is one and behind the services' back
(bulk ``update()``, which moves no progress stamp) where there is not, and
loads the page again."""

import re
import zoneinfo
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import PatientProfile
from education import services
from education.models import ChecklistItem, Enrollment, ReadinessStatus
from education.models.assessment import SelfCheck
from education.selectors.clinic import (
    DashboardFilters,
    DashboardRow,
    dashboard_page_rows,
    dashboard_row_shows,
    enrollment_list_for_staff,
)
from education.views import clinic as clinic_views
from tests.builders import make_patient, make_staff
from tests.education.pages import enrollment_of, lessons, squash, stages

URL = "/clinic/"


def _rows(html: str, patient, tag: str) -> list[str]:
    link = f'href="{reverse("clinic:brief", args=[patient.pk])}"'
    rows = re.findall(rf"<{tag}[ >].*?</{tag}>", html, flags=re.S)
    return [row for row in rows if link in row]


def table_row(client, patient) -> str:
    html = squash(client.get(URL).content.decode())
    html = html[html.index('id="patient-table"') :]
    (row,) = _rows(html, patient, "tr")
    return row


def week_row(client, patient) -> str:
    html = squash(client.get(URL).content.decode())
    html = html[: html.index('id="patient-table"')]
    (row,) = _rows(html, patient, "li")
    return row


def rows(client, patient) -> tuple[str, str]:
    """The patient's row in the week list and in the table, from one page."""
    html = squash(client.get(URL).content.decode())
    cut = html.index('id="patient-table"')
    (week,) = _rows(html[:cut], patient, "li")
    (table,) = _rows(html[cut:], patient, "tr")
    return week, table


@pytest.fixture(autouse=True)
def _rows_in_process_empty():
    """The tests here count reads of the shared cache: start with no row kept in the
    process (a row kept there is current anyway: its key is what it shows)."""
    clinic_views._ROWS_IN_PROCESS.clear()


@pytest.fixture
def booked(clinic, pathway, clinician):
    """A patient whose consultation was an hour ago: on the week list whatever the
    day (today, or earlier without an outcome) and in the table."""
    patient = make_patient(
        clinic=clinic, pathway=pathway, primary_clinician=clinician, full_name="Row Patient"
    )
    services.consultation_set(
        staff=clinician,
        enrollment=enrollment_of(patient),
        consultation_at=timezone.now() - timedelta(hours=1),
    )
    return patient


def _update(patient, **fields):
    """A write that skips the services (and so the progress stamp)."""
    Enrollment.objects.filter(patient=patient).update(**fields)


def test_rows_are_served_from_the_cache_the_second_time(clinician_client, booked):
    first = rows(clinician_client, booked)
    clinic_views._ROWS_IN_PROCESS.clear()  # another worker process: the shared cache only
    with mock.patch.object(clinic_views, "cache", wraps=cache) as spy:
        assert rows(clinician_client, booked) == first
    # One round trip to read; every row was found, so nothing is written.
    assert spy.get_many.call_count == 1
    assert spy.set_many.call_count == 0
    # Then from the process: the shared cache is not asked at all.
    with mock.patch.object(clinic_views, "cache", wraps=cache) as spy:
        assert rows(clinician_client, booked) == first
    assert spy.get_many.call_count == 0
    assert spy.set_many.call_count == 0


def test_rows_kept_in_the_process_are_bounded(clinician_client, booked, monkeypatch):
    monkeypatch.setattr(clinic_views, "ROWS_IN_PROCESS_MAX", 3)
    for _ in range(3):
        rows(clinician_client, booked)  # a table row, a week row and the filter form
        assert len(clinic_views._ROWS_IN_PROCESS) <= 3


def test_renamed_patient(clinician_client, booked):
    rows(clinician_client, booked)
    booked.full_name = "Renamed Person"
    booked.save()
    week, table = rows(clinician_client, booked)
    assert "Renamed Person" in week and "Row Patient" not in week
    assert "Renamed Person" in table and "Row Patient" not in table


def test_patient_without_a_name_shows_the_new_email(clinician_client, booked):
    booked.full_name = ""
    booked.save()
    rows(clinician_client, booked)
    booked.email = "changed@example.test"
    booked.save()
    week, table = rows(clinician_client, booked)
    assert "changed@example.test" in week
    assert "changed@example.test" in table


def test_record_number_and_date_of_birth(clinician_client, booked):
    rows(clinician_client, booked)
    PatientProfile.objects.filter(user=booked).update(
        record_number="R-778", date_of_birth=date(1980, 2, 3)
    )
    table = table_row(clinician_client, booked)
    assert "No. R-778" in table
    assert "born 3 Feb 1980" in table


def test_new_primary_clinician(clinician_client, booked, clinic):
    assert "Dr Clinician" in table_row(clinician_client, booked)
    PatientProfile.objects.filter(user=booked).update(
        primary_clinician=make_staff(clinic=clinic, full_name="Dr Second")
    )
    table = table_row(clinician_client, booked)
    assert "Dr Second" in table and "Dr Clinician" not in table


def test_primary_clinician_renamed(clinician_client, booked, clinician):
    table_row(clinician_client, booked)
    clinician.full_name = "Dr Renamed"
    clinician.save()
    assert "Dr Renamed" in table_row(clinician_client, booked)


def test_consultation_moved(clinician_client, booked, clinician):
    rows(clinician_client, booked)
    moved = (timezone.now() - timedelta(hours=3)).replace(second=0, microsecond=0)
    services.consultation_set(
        staff=clinician, enrollment=enrollment_of(booked), consultation_at=moved
    )
    week, table = rows(clinician_client, booked)
    stamp = f'datetime="{timezone.localtime(moved).isoformat()}"'
    assert stamp in week
    assert stamp in table


def test_progress_after_reading_a_lesson(clinician_client, booked, pathway):
    week, table = rows(clinician_client, booked)
    assert "has not started the pathway" in week
    first_lesson = lessons(stages(pathway)[0])[0]
    services.lesson_complete(enrollment=enrollment_of(booked), lesson=first_lesson)
    enrollment = enrollment_of(booked)
    assert enrollment.progress_percent > 0
    week, table = rows(clinician_client, booked)
    assert f"{enrollment.progress_percent}% of the pathway done" in week
    assert f">{enrollment.progress_percent}%</td>" in table
    assert str(ReadinessStatus(enrollment.readiness_status).label) in table


def test_checklist_flag_opened_by_the_patient(clinician_client, booked, pathway):
    week, table = rows(clinician_client, booked)
    assert "0 open flags" in week
    item = ChecklistItem.objects.filter(checklist=pathway.checklist).order_by("order").first()
    services.checklist_response_save(enrollment=enrollment_of(booked), item=item, answer="no")
    week, table = rows(clinician_client, booked)
    assert "1 open flag" in week
    assert '<strong class="flag-count">1</strong>' in table


@pytest.mark.parametrize(
    ("fields", "in_week", "in_table"),
    [
        ({"open_flags": 3}, "3 open flags", '<strong class="flag-count">3</strong>'),
        ({"first_attempt_score": 73}, "first-attempt score 73%", ">73%</td>"),
        (
            {"readiness_status": ReadinessStatus.READY},
            str(ReadinessStatus.READY.label),
            str(ReadinessStatus.READY.label),
        ),
        (
            {"readiness_status": ReadinessStatus.IN_PROGRESS, "progress_percent": 41},
            "41% of the pathway done",
            ">41%</td>",
        ),
    ],
)
def test_snapshot_written_behind_the_services_back(
    clinician_client, booked, fields, in_week, in_table
):
    rows(clinician_client, booked)
    _update(booked, **fields)
    week, table = rows(clinician_client, booked)
    assert in_week in week
    assert in_table in table


def test_last_activity(clinician_client, booked):
    rows(clinician_client, booked)
    at = timezone.now().replace(microsecond=0) - timedelta(days=2)
    _update(booked, last_activity_at=at)
    assert f'datetime="{timezone.localtime(at).isoformat()}"' in table_row(clinician_client, booked)


@pytest.mark.parametrize(
    ("kind", "in_week", "in_table"),
    [
        ("sure", "decisional conflict (SURE)", "Decisional conflict"),
        ("expect_after", "expectations to discuss", "Expectations to discuss"),
    ],
)
def test_self_check_flag(clinician_client, booked, kind, in_week, in_table):
    rows(clinician_client, booked)
    SelfCheck.objects.create(enrollment=enrollment_of(booked), kind=kind, answers={}, flagged=True)
    week, table = rows(clinician_client, booked)
    assert in_week in week
    assert in_table in table


def test_question_from_the_patient(clinician_client, booked):
    # Adding a question moves no progress stamp: the count itself is in the key.
    assert "question from the patient" not in week_row(clinician_client, booked)
    services.patient_question_add(enrollment=enrollment_of(booked), text="Will it hurt?")
    assert "1 question from the patient" in week_row(clinician_client, booked)


def test_each_viewer_sees_times_in_their_clinic_time_zone(clinician_client, booked, clinic):
    at = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    _update(booked, consultation_at=at)
    session = clinician_client.session
    session["clinic_tz"] = "Asia/Tokyo"
    session.save()
    tokyo = table_row(clinician_client, booked)
    session["clinic_tz"] = "America/Los_Angeles"
    session.save()
    los_angeles = table_row(clinician_client, booked)
    for tz, row in (("Asia/Tokyo", tokyo), ("America/Los_Angeles", los_angeles)):
        local = timezone.localtime(at, timezone=zoneinfo.ZoneInfo(tz))
        assert f'datetime="{local.isoformat()}"' in row


def test_other_clinics_never_get_each_others_rows(
    clinician_client, other_clinic_client, clinic, other_clinic, pathway, clinician
):
    # The same name, the same consultation time, the same progress in both clinics.
    at = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    ours = make_patient(clinic=clinic, pathway=pathway, full_name="Same Name")
    theirs = make_patient(clinic=other_clinic, pathway=pathway, full_name="Same Name")
    _update(ours, consultation_at=at)
    _update(theirs, consultation_at=at)
    for client, shown, hidden in (
        (clinician_client, ours, theirs),
        (other_clinic_client, theirs, ours),
        (clinician_client, ours, theirs),
    ):
        html = client.get(URL).content.decode()
        assert reverse("clinic:brief", args=[shown.pk]) in html
        assert reverse("clinic:brief", args=[hidden.pk]) not in html


def test_row_keys_hold_the_language(clinician, booked):
    rows = dashboard_page_rows(enrollment_list_for_staff(clinician, filters=DashboardFilters()))
    row = DashboardRow(*rows.get(patient=booked))
    shows = dashboard_row_shows(row)
    item = (clinic_views.TABLE_ROW, shows, {"row": row})
    with mock.patch.object(clinic_views, "cache", wraps=cache) as spy:
        for language in ("en", "es", "en"):
            with translation.override(language):
                clinic_views._rows_html([item])
    written = [next(iter(call.args[0])) for call in spy.set_many.call_args_list]
    assert len(written) == 2  # English, then Spanish; English again from the cache
    assert written[0] != written[1]


def test_filtered_page_shows_the_filters_as_asked(clinician_client, booked):
    clinician_client.get(URL)  # caches the unfiltered filter form
    html = clinician_client.get(URL, {"q": "Row", "status": "2_not_started"}).content.decode()
    assert 'value="Row"' in html
    assert re.search(r'<option value="2_not_started"[^>]*selected', html)
    html = clinician_client.get(URL).content.decode()
    assert 'value="Row"' not in html


def test_count_and_page_ids_are_read_without_joins(clinician_client, clinic, pathway):
    """The deferred join: the count and the page's ids come from the enrollment
    table alone (an index-only scan however deep the page); only the 25 rows of
    the page are read with the patient, profile and clinician."""
    for n in range(30):
        make_patient(clinic=clinic, pathway=pathway, full_name=f"Paged {n:02d}")
    clinician_client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        response = clinician_client.get(URL, {"page": "2"})
    assert "Paged" in response.content.decode()
    enrollment_reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and "education_enrollment" in q["sql"]
    ]
    count = next(sql for sql in enrollment_reads if "COUNT(*)" in sql)
    ids = next(sql for sql in enrollment_reads if "COUNT(*)" not in sql and "LIMIT" in sql)
    assert "JOIN" not in count
    assert "JOIN" not in ids
