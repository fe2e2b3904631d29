"""CSV export of the dashboard: streamed, own clinic, filtered, safe in a spreadsheet."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from education.exports import neutralise
from education.models import Enrollment, ReadinessStatus
from tests.builders import make_patient

URL = "/clinic/export.csv"


def read_csv(response):
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # the byte-order mark Excel needs
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Plain Name", "Plain Name"),
        ("a=b", "a=b"),
        (42, "42"),
        (None, ""),
    ],
)
def test_neutralise_prefixes_formula_cells(value, expected):
    assert neutralise(value) == expected


def test_export_is_a_streamed_attachment_with_a_header(clinician_client, patient):
    response = clinician_client.get(URL)
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="')
    rows = read_csv(response)
    assert rows[0] == [
        "Name",
        "E-mail",
        "Consultation",
        "Primary clinician",
        "Readiness",
        "Progress (%)",
        "Open flags",
        "First-attempt score (%)",
        "Last activity",
    ]
    assert rows[1][:5] == ["Pat Patient", patient.email, "", "Dr Clinician", "Not started"]


def test_export_contains_own_clinic_only(clinician_client, patient, other_patient, foreign_patient):
    names = [row[0] for row in read_csv(clinician_client.get(URL))[1:]]
    assert sorted(names) == ["Other Patient", "Pat Patient"]


def test_formula_names_are_neutralised(clinician_client, clinic, pathway):
    make_patient(clinic=clinic, pathway=pathway, full_name='=HYPERLINK("http://x","y")')
    make_patient(clinic=clinic, pathway=pathway, full_name="@SUM(1+1)")
    names = {row[0] for row in read_csv(clinician_client.get(URL))[1:]}
    assert names == {'\'=HYPERLINK("http://x","y")', "'@SUM(1+1)"}


def test_export_respects_the_filters(clinician_client, patient, other_patient, clinician):
    Enrollment.objects.filter(patient=patient).update(readiness_status=ReadinessStatus.READY)
    rows = read_csv(clinician_client.get(URL, {"status": "4_ready"}))
    assert [row[0] for row in rows[1:]] == ["Pat Patient"]
    assert rows[1][4] == "Ready for consent discussion"
    rows = read_csv(clinician_client.get(URL, {"mine": "1"}))
    assert [row[0] for row in rows[1:]] == ["Pat Patient"]
    rows = read_csv(clinician_client.get(URL, {"q": "other"}))
    assert [row[0] for row in rows[1:]] == ["Other Patient"]
    rows = read_csv(clinician_client.get(URL, {"within": "7"}))
    assert rows[1:] == []


def test_export_dates_read_as_dates_in_the_clinic_time_zone(login, clinic, clinician, patient):
    clinic.timezone = "Europe/Madrid"
    clinic.save()
    Enrollment.objects.filter(patient=patient).update(
        consultation_at=datetime(2030, 7, 1, 8, 0, tzinfo=timezone.UTC)
    )
    rows = read_csv(login(clinician).get(URL))
    assert rows[1][2] == "2030-07-01 10:00"


def test_export_writes_numbers_and_blanks(clinician_client, patient):
    Enrollment.objects.filter(patient=patient).update(
        progress_percent=40,
        open_flags=2,
        first_attempt_score=75,
        last_activity_at=timezone.now() - timedelta(days=1),
    )
    row = read_csv(clinician_client.get(URL))[1]
    assert row[5:8] == ["40", "2", "75"]
    assert row[8].startswith(str((timezone.now() - timedelta(days=1)).year))


def test_export_is_audited_with_its_filters_not_the_search_text(clinician_client, clinician):
    response = clinician_client.get(URL, {"status": "4_ready", "q": "Pat", "mine": "1"})
    read_csv(response)
    event = AuditEvent.objects.get(action="education.export.downloaded")
    assert event.actor == clinician
    assert event.clinic_id == clinician.clinic_id
    assert event.detail["status"] == "4_ready"
    assert event.detail["mine"] is True
    assert event.detail["search"] is True
    assert "Pat" not in str(event.detail)


def test_export_ignores_bad_parameters(clinician_client, patient):
    response = clinician_client.get(URL, {"sort": "patient__password", "status": "x"})
    assert response.status_code == 200
    assert len(read_csv(response)) == 2


def test_accented_names_survive_as_utf8(clinician_client, clinic, pathway):
    make_patient(clinic=clinic, pathway=pathway, full_name="Zoë O'Neill-Ramírez")
    body = b"".join(clinician_client.get(URL).streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Zoë O'Neill-Ramírez".encode() in body
