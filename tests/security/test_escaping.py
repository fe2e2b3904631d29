"""Patient free text is shown as text everywhere: pages escape it, the CSV keeps it raw
but defused for spreadsheets."""

import csv
import io

import pytest

from education import services
from education.models import ChecklistItem

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
TEMPLATE = "{{ 7*7 }}"
PAYLOAD = f"{SCRIPT} {IMG} {TEMPLATE}"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMG = "&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def hostile_patient(patient, pathway):
    """A patient whose name, question and checklist note are all markup."""
    patient.full_name = f"=HYPERLINK(1) {PAYLOAD}"
    patient.save(update_fields=["full_name"])
    enrollment = patient.enrollments.get()
    services.patient_question_add(enrollment=enrollment, text=f"Question {PAYLOAD}")
    item = ChecklistItem.objects.filter(checklist=pathway.checklist).order_by("order")[0]
    services.checklist_response_save(
        enrollment=enrollment, item=item, answer="not_sure", note=f"Note {PAYLOAD}"
    )
    return patient


def assert_escaped(content: bytes, *, expect_question=False, expect_note=False, name=False):
    html = content.decode()
    assert SCRIPT not in html
    assert IMG not in html
    assert "onerror=alert(1)>" not in html
    assert ESCAPED_SCRIPT in html
    assert ESCAPED_IMG in html
    assert TEMPLATE in html  # shown literally, not evaluated
    if expect_question:
        assert f"Question {ESCAPED_SCRIPT}" in html
    if expect_note:
        assert f"Note {ESCAPED_SCRIPT}" in html


def test_the_questions_page_escapes_the_patients_question(hostile_patient, login):
    response = login(hostile_patient).get("/learn/questions/")
    assert response.status_code == 200
    assert_escaped(response.content, expect_question=True)


def test_the_summary_escapes_question_note_and_name(hostile_patient, login):
    response = login(hostile_patient).get("/learn/summary/")
    assert response.status_code == 200
    assert_escaped(response.content, expect_question=True, expect_note=True)


def test_the_checklist_escapes_the_note_in_its_textarea(hostile_patient, login):
    response = login(hostile_patient).get("/learn/checklist/")
    assert response.status_code == 200
    assert_escaped(response.content, expect_note=True)


def test_the_dashboard_escapes_the_patients_name(hostile_patient, clinician_client):
    for headers in ({}, {"HX-Request": "true"}):
        response = clinician_client.get("/clinic/", headers=headers)
        assert response.status_code == 200
        assert_escaped(response.content)


def test_the_dashboard_search_box_escapes_what_was_typed(hostile_patient, clinician_client):
    response = clinician_client.get("/clinic/", {"q": f'"><svg onload=alert(1)>{SCRIPT}'[:100]})
    assert response.status_code == 200
    assert b"<svg onload" not in response.content
    assert SCRIPT.encode() not in response.content


def test_the_brief_escapes_name_question_and_note(hostile_patient, clinician_client):
    response = clinician_client.get(f"/clinic/patients/{hostile_patient.pk}/")
    assert response.status_code == 200
    assert_escaped(response.content, expect_question=True, expect_note=True)


def test_the_csv_export_keeps_the_text_raw_and_defuses_formulas(hostile_patient, clinician_client):
    response = clinician_client.get("/clinic/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    names = [row[0] for row in rows[1:]]
    assert f"'=HYPERLINK(1) {PAYLOAD}" in names  # raw text, with the formula neutralised
    assert "&lt;" not in body  # a CSV is not HTML: nothing is entity-escaped


@pytest.mark.parametrize(
    "prefix", ["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r"]
)
def test_every_formula_prefix_in_a_name_is_neutralised(prefix, patient, clinician_client):
    patient.full_name = f"{prefix}1+1"
    patient.save(update_fields=["full_name"])
    body = b"".join(clinician_client.get("/clinic/export.csv").streaming_content).decode()
    names = [row[0] for row in csv.reader(io.StringIO(body))][1:]
    assert f"'{prefix}1+1" in names
