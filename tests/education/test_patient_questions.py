"""/learn/questions/: the patient's questions for the consultation."""

import pytest

from education import services
from education.models import PatientQuestion
from tests.builders import make_pathway, make_patient
from tests.education.pages import enrollment_of, main, page

URL = "/learn/questions/"


def add(patient, text):
    return services.patient_question_add(enrollment=enrollment_of(patient), text=text)


def test_the_page_lists_questions_and_offers_a_form_that_works_without_js(patient_client, patient):
    add(patient, "Will it hurt?")

    response = patient_client.get(URL)

    html = main(response)
    assert response.status_code == 200
    assert "Will it hurt?" in html
    assert f'method="post" action="{URL}"' in html
    assert '<label for="id_text">Your question</label>' in html
    assert 'maxlength="500"' in html
    assert 'aria-describedby="id_text_helptext"' in html


def test_with_no_questions_the_page_says_so(patient_client):
    assert "You have not written any questions yet." in main(patient_client.get(URL))


def test_adding_a_question_redirects_back_to_the_list(patient_client, patient):
    response = patient_client.post(URL, {"text": "  How many sessions?  "})

    assert response.status_code == 302
    assert response["Location"] == URL
    assert PatientQuestion.objects.get(enrollment__patient=patient).text == "How many sessions?"
    assert "Your question is added." in page(patient_client.get(URL))


def test_questions_are_shown_escaped(patient_client, patient):
    add(patient, '<script>alert("x")</script>')

    html = main(patient_client.get(URL))

    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write your question first."),
        ("   ", "Write your question first."),
        ("q" * 501, "Keep each question under 500 characters."),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_a_bad_question_comes_back_with_the_message_and_the_text_kept(
    patient_client, patient, text, message
):
    response = patient_client.post(URL, {"text": text})

    html = main(response)
    assert response.status_code == 400
    assert message in html
    if text.strip():
        assert text in html
    assert not PatientQuestion.objects.exists()


def test_posting_extra_fields_cannot_attach_a_question_to_someone_else(
    patient_client, patient, other_patient
):
    other = enrollment_of(other_patient)

    patient_client.post(URL, {"text": "Mine", "enrollment": other.pk, "enrollment_id": other.pk})

    assert PatientQuestion.objects.get().enrollment.patient == patient


def test_editing_a_question_shows_it_and_saves_the_change(patient_client, patient):
    question = add(patient, "First wording")
    url = f"{URL}{question.pk}/edit/"

    html = main(patient_client.get(url))
    assert "First wording" in html and f'action="{url}"' in html

    response = patient_client.post(url, {"text": "Better wording"})
    assert response.status_code == 302
    assert response["Location"] == URL
    question.refresh_from_db()
    assert question.text == "Better wording"


def test_an_edit_that_is_too_long_is_refused_and_kept(patient_client, patient):
    question = add(patient, "Short")

    response = patient_client.post(f"{URL}{question.pk}/edit/", {"text": "z" * 501})

    assert response.status_code == 400
    assert "z" * 501 in main(response)
    question.refresh_from_db()
    assert question.text == "Short"


def test_deleting_asks_for_confirmation_first(patient_client, patient):
    question = add(patient, "Is it safe?")
    url = f"{URL}{question.pk}/delete/"

    shown = patient_client.get(url)

    html = main(shown)
    assert shown.status_code == 200
    assert "Delete this question?" in html and "Is it safe?" in html
    assert f'method="post" action="{url}"' in html
    assert PatientQuestion.objects.filter(pk=question.pk).exists()


def test_confirming_deletes_and_redirects(patient_client, patient):
    question = add(patient, "Is it safe?")

    response = patient_client.post(f"{URL}{question.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == URL
    assert not PatientQuestion.objects.filter(pk=question.pk).exists()


@pytest.mark.parametrize("action", ["edit", "delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_patients_question_is_404(patient_client, other_patient, action, method):
    question = add(other_patient, "Someone else's question")

    response = getattr(patient_client, method)(f"{URL}{question.pk}/{action}/", {"text": "Mine"})

    assert response.status_code == 404
    question.refresh_from_db()
    assert question.text == "Someone else's question"


def test_a_patient_of_another_clinic_cannot_touch_the_question(login, other_clinic, patient):
    question = add(patient, "Private")
    client = login(make_patient(clinic=other_clinic, pathway=make_pathway()))

    assert client.post(f"{URL}{question.pk}/delete/").status_code == 404
    assert PatientQuestion.objects.filter(pk=question.pk).exists()


def test_an_unknown_question_id_is_404(patient_client):
    assert patient_client.get(f"{URL}999999/edit/").status_code == 404
