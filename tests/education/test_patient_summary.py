"""/learn/summary/: everything to bring to the consultation, printable."""

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings

from education import services
from tests.builders import correct_answers, make_patient, wrong_answers
from tests.education.pages import enrollment_of, main, page, stages

URL = "/learn/summary/"


def test_summary_shows_the_patient_clinic_and_consultation(login, clinic, pathway):
    clinic.timezone = "Europe/London"
    clinic.contact_phone = "+44 20 7946 0000"
    clinic.save()
    when = dt.datetime(2030, 7, 1, 8, 0, tzinfo=dt.UTC)
    client = login(
        make_patient(clinic=clinic, pathway=pathway, consultation_at=when, full_name="Sam Jones")
    )

    response = client.get(URL)

    html = main(response)
    assert response.status_code == 200
    assert "Sam Jones" in html
    assert "Demo Hair Clinic" in html and "+44 20 7946 0000" in html
    assert "Monday July 1, 2030 at 9 a.m. (BST)" in html
    assert "Not started yet" in html
    assert "Still to do" in html


def test_summary_shows_stages_quiz_scores_checklist_and_questions(patient_client, patient, pathway):
    enrollment = enrollment_of(patient)
    first = stages(pathway)[0]
    for lesson in first.lessons.all():
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    for answers in (wrong_answers(first.quiz), correct_answers(first.quiz)):
        services.quiz_attempt_submit(
            enrollment=enrollment, quiz=first.quiz, answers=answers, submission_key=uuid.uuid4()
        )
    flagged, fine, _unanswered = pathway.checklist.items.order_by("order")
    services.checklist_response_save(
        enrollment=enrollment, item=flagged, answer="not_sure", note="Not sure about risks."
    )
    services.checklist_response_save(enrollment=enrollment, item=fine, answer="yes")
    services.patient_question_add(enrollment=enrollment, text="How long will results last?")

    html = main(patient_client.get(URL))

    assert "Stage 1: Stage 1" in html and "Completed" in html
    assert "Quiz results" in html
    row = html[html.index("Quiz 1</th>") : html.index("Quiz 2</th>")]
    assert row.count('<td data-label="First try">0%</td>') == 1
    assert row.count('<td data-label="Best score">100%</td>') == 1
    assert "Passed" in row
    assert "Not taken yet" in html
    assert '<li class="flagged">' in html
    assert "to talk over with your clinician" in html
    assert "Not sure about risks." in html
    assert "Not answered yet" in html
    assert "How long will results last?" in html
    assert "Some answers to talk over with your clinician" in html


def test_summary_has_a_print_button_from_a_script_file(patient_client, patient):
    html = page(patient_client.get(URL))

    assert '<button type="button" data-print hidden>Print this summary</button>' in html
    assert "use your browser’s Print command" in html
    assert "printed on" in html and patient.full_name in html
    assert "Notes from my consultation" in html
    assert "<script>" not in html and "onclick" not in html and "style=" not in html
    assert html.count("<h1") == 1


def test_print_rules_live_in_the_patient_stylesheet():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "patient.css").read_text()

    assert "@media print" in css
    assert ".patient-summary" in css
