"""Diagrams, icon arrays and the option grid in a real browser: the pictures
load with their alt text, the grid reads as cards with labels on a 375 px
phone and on paper, and axe-core finds nothing at 1280 and 375 px."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from accounts.models import Clinic, User
from education import services
from education.models import Enrollment, Lesson
from education.selectors import quiz_questions
from education.selectors.patient import quiz_draw
from education.selectors.progress import patient_state
from tests.builders import PASSWORD, make_patient, make_staff

from .conftest import PHONE
from .helpers import read_lessons, sign_in, stages


def pass_stage(enrollment, module):
    """Read the stage and answer right the questions this attempt draws."""
    read_lessons(enrollment, module)
    drawn = quiz_draw(patient_state(enrollment), module.quiz, quiz_questions(module.quiz))
    services.quiz_attempt_submit(
        enrollment=enrollment,
        quiz=module.quiz,
        answers={q.pk: [c.pk for c in q.choices.all() if c.is_correct] for q in drawn},
        submission_key=uuid.uuid4(),
        quiz_version=module.quiz.version,
    )


@pytest.fixture
def patient(transactional_db, curriculum):
    clinic = Clinic.objects.create(name="Demo Hair Clinic", slug="demo")
    clinician = make_staff(clinic=clinic, role=User.Role.CLINICIAN, full_name="Dr Clinician")
    patient = make_patient(
        clinic=clinic, pathway=curriculum, primary_clinician=clinician, full_name="Pat Patient"
    )
    enrollment = Enrollment.objects.get(patient=patient)
    for module in stages(curriculum)[:3]:
        pass_stage(enrollment, module)
    return patient


def url(slug):
    lesson = Lesson.objects.select_related("module").get(slug=slug)
    return reverse("education:lesson-detail", args=[lesson.module.slug, lesson.slug])


def test_diagrams_load_with_alt_text_and_captions(live_server, page, patient, page_check):
    sign_in(page, live_server.url, patient.email, PASSWORD)
    page.goto(live_server.url + url("how-a-hair-grows"))
    figures = page.locator("figure.diagram")
    assert figures.count() == 2
    for i in range(2):
        image = figures.nth(i).locator("img")
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert len(image.get_attribute("alt").split()) >= 8
        assert figures.nth(i).locator("figcaption").inner_text().strip()
    page_check(page, "lesson-diagrams")


def test_icon_arrays_show_the_numbers_as_figures(live_server, page, patient, page_check):
    sign_in(page, live_server.url, patient.email, PASSWORD)
    page.goto(live_server.url + url("what-success-looks-like"))
    arrays = page.locator("figure.icon-array svg[role=img]")
    assert arrays.count() == 4
    first = arrays.first
    assert first.locator(".icon-filled").count() == 20 + 7
    name = first.evaluate(
        "svg => document.getElementById(svg.getAttribute('aria-labelledby')).textContent"
    )
    assert name.startswith("About 20 out of 100 women on minoxidil 2%")
    # Solid against outline, not colour alone.
    fills = first.evaluate(
        "svg => [...new Set([...svg.querySelectorAll('use')].map(u => getComputedStyle(u).fill))]"
    )
    assert "rgb(255, 255, 255)" in fills and len(fills) == 2
    page_check(page, "lesson-icon-arrays")


def test_the_option_grid_is_a_table_on_a_laptop_and_cards_on_a_phone_and_paper(
    live_server, page, patient, page_check, screenshot
):
    sign_in(page, live_server.url, patient.email, PASSWORD)
    page.goto(live_server.url + url("options-side-by-side"))
    grid = page.locator(".option-grid")
    assert grid.locator("tbody tr").count() == 9
    assert grid.locator("thead").is_visible()
    page_check(page, "lesson-option-grid")

    page.set_viewport_size(PHONE)
    assert (
        not grid.locator("thead").is_visible() or grid.locator("thead").bounding_box()["width"] <= 1
    )
    label = grid.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"What it involves"'
    box = grid.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]

    page.emulate_media(media="print")
    assert grid.locator("td").first.evaluate("td => getComputedStyle(td).display") == "block"
    assert grid.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content") == (
        '"What it involves: "'
    )
    screenshot(page, "option-grid-print")
