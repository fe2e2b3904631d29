"""/learn/<module>/teach-back/: after passing a stage's quiz, one question
answered in the patient's own words; never graded, required for readiness,
escaped when shown and never written to the audit log."""

import uuid

import pytest

from audit.models import AuditEvent
from education import services
from education.models import TeachBack
from education.selectors.progress import patient_state
from tests.builders import correct_answers
from tests.education.pages import enrollment_of, main, page, read_stage

PROMPT = "In your own words, what does investigational mean?"
REASON = "Not yet written in your own words: “{}”"


@pytest.fixture
def asking(first):
    first.teach_back = PROMPT
    first.save()
    services.content_publish(obj=first)
    return first


def _pass(client, patient, module):
    read_stage(patient, module)
    data = {"submission_key": str(uuid.uuid4()), "quiz_version": str(module.quiz.version)}
    for question_id, choice_ids in correct_answers(module.quiz).items():
        data[f"question_{question_id}"] = [str(c) for c in choice_ids]
    return client.post(f"/learn/{module.slug}/quiz/", data, HTTP_HX_REQUEST="true")


def test_passing_the_quiz_leads_to_the_teach_back_and_saving_it_clears_the_reason(
    patient, patient_client, asking
):
    html = page(_pass(patient_client, patient, asking))
    assert f'href="/learn/{asking.slug}/teach-back/"' in html
    assert REASON.format(asking.title) in patient_state(enrollment_of(patient)).result.reasons

    form = main(patient_client.get(f"/learn/{asking.slug}/teach-back/"))
    assert PROMPT in form and 'maxlength="1000"' in form

    response = patient_client.post(
        f"/learn/{asking.slug}/teach-back/", {"text": "It is <b>still</b> being tested."}
    )

    assert response.status_code == 302
    saved = TeachBack.objects.get(enrollment__patient=patient)
    assert saved.text == "It is <b>still</b> being tested." and saved.prompt == PROMPT
    reasons = patient_state(enrollment_of(patient)).result.reasons
    assert REASON.format(asking.title) not in reasons
    again = main(patient_client.get(f"/learn/{asking.slug}/teach-back/"))
    assert "It is &lt;b&gt;still&lt;/b&gt; being tested." in again
    event = AuditEvent.objects.get(action="education.teach_back.saved")
    assert "tested" not in str(event.detail)


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Write your answer in your own words first."), ("x" * 1001, "under 1000")],
    ids=["empty", "too-long"],
)
def test_an_empty_or_too_long_answer_is_refused_with_a_message(
    patient, patient_client, asking, text, message
):
    _pass(patient_client, patient, asking)

    response = patient_client.post(f"/learn/{asking.slug}/teach-back/", {"text": text})

    assert response.status_code == 400
    assert message in main(response)
    assert not TeachBack.objects.exists()


def test_before_the_quiz_is_passed_the_teach_back_sends_the_patient_to_the_quiz(
    patient, patient_client, asking
):
    response = patient_client.post(f"/learn/{asking.slug}/teach-back/", {"text": "Too soon"})

    assert response.status_code == 302
    assert response["Location"] == f"/learn/{asking.slug}/quiz/"
    assert not TeachBack.objects.exists()


def test_a_stage_without_a_teach_back_question_is_404(patient_client, first):
    assert patient_client.get(f"/learn/{first.slug}/teach-back/").status_code == 404


def test_the_brief_section_shows_each_stage_with_the_patients_words_escaped(
    patient, patient_client, asking, second
):
    from django.template.loader import render_to_string

    from education.selectors.assessment import brief_teach_backs

    second.teach_back = "In your own words, what upkeep does it need?"
    second.save()
    services.content_publish(obj=second)
    _pass(patient_client, patient, asking)
    patient_client.post(f"/learn/{asking.slug}/teach-back/", {"text": "<i>Tested</i> still"})

    rows = brief_teach_backs(patient_state(enrollment_of(patient)))
    html = render_to_string("education/clinic/_teach_back.html", {"teach_backs": rows})

    assert [row.module.pk for row in rows] == [asking.pk, second.pk]
    assert "&lt;i&gt;Tested&lt;/i&gt; still" in html and "<i>" not in html
    assert PROMPT in html and "In your own words, what upkeep does it need?" in html
    assert "Not written yet." in html
