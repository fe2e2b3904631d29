"""Who may open the patient pages: every /learn/ URL × every other role."""

import pytest

from accounts.models import User
from education import services
from education.models import Enrollment
from education.urls import patient as patient_urls
from tests.builders import make_staff
from tests.education.pages import stages


@pytest.fixture
def routes(patient, pathway):
    """One URL for every named pattern under /learn/."""
    first = stages(pathway)[0]
    lesson = first.lessons.order_by("order").first()
    question = services.patient_question_add(
        enrollment=Enrollment.objects.get(patient=patient), text="Mine"
    )
    item = pathway.checklist.items.first()
    return {
        "home": "/learn/",
        "checklist": "/learn/checklist/",
        "checklist-item": f"/learn/checklist/{item.pk}/",
        "questions": "/learn/questions/",
        "question-edit": f"/learn/questions/{question.pk}/edit/",
        "question-delete": f"/learn/questions/{question.pk}/delete/",
        "summary": "/learn/summary/",
        "quiz": f"/learn/{first.slug}/quiz/",
        "quiz-result": f"/learn/{first.slug}/quiz/result/1/",
        "teach-back": f"/learn/{first.slug}/teach-back/",
        "lesson-detail": f"/learn/{first.slug}/{lesson.slug}/",
        "lesson-complete": f"/learn/{first.slug}/{lesson.slug}/read/",
        "decision-check": "/learn/decision-check/",
        "expectations": "/learn/expectations/before/",
    }


def test_every_patient_url_is_in_this_matrix(routes):
    assert {p.name for p in patient_urls.urlpatterns} == set(routes)


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, routes, method):
    for url in routes.values():
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_htmx_requests_get_a_full_page_redirect(client, routes):
    for url in routes.values():
        response = client.post(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, url
        assert response["HX-Redirect"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ["clinician", "clinic_admin", "other_clinic_clinician"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_clinic_staff_may_not_use_patient_pages(request, login, routes, role, method):
    client = login(request.getfixturevalue(role))

    for url in routes.values():
        assert getattr(client, method)(url).status_code == 403, url


def test_a_superuser_may_not_use_patient_pages(login, clinic, routes):
    admin = make_staff(clinic=clinic, role=User.Role.CLINIC_ADMIN, is_superuser=True)
    client = login(admin)

    assert client.get(routes["home"]).status_code == 403


@pytest.mark.parametrize("method", ["get", "post"])
def test_no_patient_page_fails_on_an_empty_or_odd_request(patient_client, routes, method):
    for url in routes.values():
        response = getattr(patient_client, method)(url, {"junk": "1", "text": ""})
        assert response.status_code < 500, url


def test_other_patients_get_404_for_someone_elses_question(other_patient_client, routes):
    for name in ("question-edit", "question-delete"):
        assert other_patient_client.get(routes[name]).status_code == 404
        assert other_patient_client.post(routes[name], {"text": "x"}).status_code == 404
