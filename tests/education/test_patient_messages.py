"""Messages on the page they belong to, and each label said once."""

from tests.education.pages import lessons, main, page

from .test_patient_lesson import read, url


def test_marked_as_read_shows_on_the_next_lesson(patient_client, patient, first):
    one, _two = lessons(first)
    response = patient_client.post(url(first, one, "read/"), follow=True)
    assert f"“{one.title}” is marked as read." in page(response)


def test_marked_as_read_does_not_follow_onto_the_quiz(patient_client, patient, first):
    one, two = lessons(first)
    read(patient, one)
    response = patient_client.post(url(first, two, "read/"), follow=True)
    assert response.redirect_chain[-1][0] == f"/learn/{first.slug}/quiz/"
    assert "marked as read" not in page(response)


def test_the_quiz_title_is_said_once(patient_client, patient, first):
    for lesson in lessons(first):
        read(patient, lesson)
    html = page(patient_client.get(f"/learn/{first.slug}/quiz/"))
    assert f"<title>{first.quiz.title} · ConsultReady</title>" in html
    assert f"<h1>{first.quiz.title}</h1>" in main(patient_client.get(f"/learn/{first.slug}/quiz/"))
    assert "Quiz: " not in html
