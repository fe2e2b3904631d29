"""The brief's review, consultation date and outcome forms: a problem comes back
beside the form that caused it, once, with what the clinician typed; with htmx as
a swap of that form's section with focus on the message, without JavaScript as
the whole page (400) opening at the form's anchor. Good input is saved and audited."""

import re
from datetime import date

import pytest

from audit.models import AuditEvent
from education.models import ClinicianReview, ConsultationOutcome
from tests.education.pages import enrollment_of

NEXT_YEAR = date.today().year + 1
HTMX = {"HX-Request": "true"}

# form: (URL tail, bad input, its one message, what was typed that must come back)
BAD = {
    "review": (
        "reviews/",
        {"outcome": "ready", "note": "Went over the risks of PRP", "override_reason": ""},
        "Write why you are overriding readiness.",
        "Went over the risks of PRP",
    ),
    "consultation": (
        "consultation/",
        {"consultation_at": "next tuesday"},
        "Enter a valid date/time.",
        'value="next tuesday"',
    ),
    "outcome": (
        "outcomes/",
        {"outcome": "rescheduled", "note": "Wants a week to think"},
        "Enter the new date and time.",
        "Wants a week to think",
    ),
}
GOOD = {
    "review": ("reviews/", {"outcome": "needs_follow_up", "note": "Call back"}, "review"),
    "consultation": (
        "consultation/",
        {"consultation_at": f"{NEXT_YEAR}-03-01T09:30"},
        "consultation",
    ),
    "outcome": ("outcomes/", {"outcome": "needs_time"}, "outcome"),
}
MESSAGES = {
    "review": "Your review is recorded.",
    "consultation": "The consultation date is saved.",
    "outcome": "The consultation outcome is recorded.",
}
AUDITED = {
    "review": "education.review.recorded",
    "consultation": "education.consultation.set",
    "outcome": "education.outcome.recorded",
}


def url(patient, tail=""):
    return f"/clinic/patients/{patient.pk}/{tail}"


def section(html, fragment):
    """The form's own section of the page (they hold no nested section)."""
    found = re.search(rf'<section id="{fragment}".*?</section>', html, re.S)
    assert found, f"no section #{fragment}"
    return found.group(0)


def nothing_saved(patient):
    enrollment = enrollment_of(patient)
    return (
        enrollment.consultation_at is None
        and not ClinicianReview.objects.exists()
        and not ConsultationOutcome.objects.exists()
    )


@pytest.mark.parametrize("fragment", BAD)
def test_without_javascript_a_problem_reopens_the_page_at_the_form(
    clinician_client, patient, fragment
):
    tail, data, message, typed = BAD[fragment]
    response = clinician_client.post(url(patient, tail), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>" in page
    assert page.count(message) == 1
    own = section(page, fragment)
    assert message in own and typed in own
    assert f'action="{url(patient, tail)}#{fragment}"' in own
    assert f'id="{fragment}-errors"' in own and "autofocus" in own
    assert page.count("autofocus") == 1
    assert nothing_saved(patient)


@pytest.mark.parametrize("fragment", BAD)
def test_with_htmx_a_problem_swaps_only_that_form_with_focus_on_the_message(
    clinician_client, patient, fragment
):
    tail, data, message, typed = BAD[fragment]
    response = clinician_client.post(url(patient, tail), data, headers=HTMX)
    assert response.status_code == 200  # htmx swaps no 4xx answer
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section id="{fragment}"')
    assert "<h1>" not in html
    assert html.count(message) == 1
    assert typed in html
    assert f'hx-target="#{fragment}"' in html
    assert f'id="{fragment}-errors"' in html
    assert 'tabindex="-1"' in html and "autofocus" in html
    assert nothing_saved(patient)


def test_a_refused_ready_review_says_why_once_and_keeps_the_choice(clinician_client, patient):
    _, data, _, _ = BAD["review"]
    page = clinician_client.post(url(patient, "reviews/"), data).content.decode()
    own = section(page, "review")
    assert own.count("This patient is not ready yet.") == 1
    assert page.count("This patient is not ready yet.") == 1
    assert re.search(r'value="ready"[^>]*checked', own)


@pytest.mark.parametrize("fragment", GOOD)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_good_input_is_saved_audited_and_back_on_the_brief(
    clinician_client, patient, clinician, fragment, headers
):
    tail, data, _ = GOOD[fragment]
    response = clinician_client.post(url(patient, tail), data, headers=headers)
    if headers:
        assert response["HX-Redirect"] == url(patient)
    else:
        assert response.status_code == 302
        assert response["Location"] == url(patient)
    assert not nothing_saved(patient)
    event = AuditEvent.objects.get(action=AUDITED[fragment])
    assert event.actor == clinician and event.patient == patient
    assert "Call back" not in str(event.detail)
    page = clinician_client.get(url(patient)).content.decode()
    assert page.count(MESSAGES[fragment]) == 1
    assert "-errors" not in page


def test_a_problem_on_one_form_leaves_the_others_clean(clinician_client, patient):
    tail, data, _, _ = BAD["outcome"]
    page = clinician_client.post(url(patient, tail), data).content.decode()
    assert 'id="review-errors"' not in page
    assert 'id="consultation-errors"' not in page


@pytest.mark.parametrize("fragment", BAD)
def test_another_clinics_patient_is_404_whatever_the_input(other_clinic_client, patient, fragment):
    tail, data, _, _ = BAD[fragment]
    assert other_clinic_client.post(url(patient, tail), data).status_code == 404
    assert other_clinic_client.post(url(patient, tail), data, headers=HTMX).status_code == 404


def test_each_form_section_carries_only_its_own_heading_and_text(clinician_client, patient):
    page = clinician_client.get(url(patient)).content.decode()
    review, outcome, consultation = (
        section(page, name) for name in ("review", "outcome", "consultation")
    )
    intro = "Reviews are kept as written"
    assert intro in review and intro not in outcome and intro not in consultation
    assert "<h2" in consultation and "Consultation date</h2>" in consultation
    assert 'action="' + url(patient, "consultation/") + '#consultation"' in consultation
