"""Patients see when a lesson's facts and its regulatory statement were last
checked ("Checked November 2026"), and the editor's preview shows the same."""

import datetime

import pytest

from education.models import Therapy
from tests.education.pages import lessons, main, stages


@pytest.fixture
def lesson(pathway):
    lesson = lessons(stages(pathway)[0])[0]
    lesson.therapy = Therapy.objects.create(
        slug="exosomes",
        name="Exosomes",
        regulatory_status="No exosome product is FDA-approved",
        summary="Tiny sacs.",
    )
    lesson.facts_checked_on = datetime.date(2026, 11, 29)
    lesson.save()
    return lesson


def _url(lesson):
    return f"/learn/{lesson.module.slug}/{lesson.slug}/"


def test_the_regulatory_statement_and_the_lesson_say_when_they_were_checked(patient_client, lesson):
    html = main(patient_client.get(_url(lesson)))
    statement = 'FDA-approved.<span class="checked-on">Checked November 2026.</span>'
    assert statement in html
    assert "The facts in this lesson were checked against its sources in November 2026." in html


def test_the_editor_preview_shows_the_same_dates(library_editor_client, lesson):
    html = main(library_editor_client.get(f"/preview/lessons/{lesson.pk}/"))
    assert "Checked November 2026." in html
    assert "checked against its sources in November 2026." in html


def test_a_lesson_never_checked_claims_no_date(patient_client, lesson):
    lesson.facts_checked_on = None
    lesson.save()
    html = main(patient_client.get(_url(lesson)))
    assert "Checked" not in html and "checked against" not in html
