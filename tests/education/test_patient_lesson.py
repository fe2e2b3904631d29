"""/learn/<module>/<lesson>/: reading a lesson and marking it read."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from education import services
from education.models import GlossaryTerm, LessonCompletion, Therapy
from tests.builders import correct_answers, make_pathway, make_patient
from tests.education.pages import enrollment_of, lessons, main, page, stages


def read(patient, lesson):
    services.lesson_complete(enrollment=enrollment_of(patient), lesson=lesson)


def pass_stage(patient, module):
    for lesson in lessons(module):
        read(patient, lesson)
    services.quiz_attempt_submit(
        enrollment=enrollment_of(patient),
        quiz=module.quiz,
        answers=correct_answers(module.quiz),
        submission_key=uuid.uuid4(),
    )


def url(module, lesson, suffix=""):
    return f"/learn/{module.slug}/{lesson.slug}/{suffix}"


@pytest.fixture
def lesson(first):
    return lessons(first)[0]


def test_a_lesson_shows_title_evidence_badge_key_points_body_and_sources(
    patient_client, first, lesson
):
    response = patient_client.get(url(first, lesson))

    html = main(response)
    assert response.status_code == 200
    assert '<h1 id="lesson-title">Lesson 1.1</h1>' in html
    assert '<span class="badge badge-established">Established</span>' in html
    assert "backed by good studies in people" in html
    assert "Key points" in html and "<li>One point.</li>" in html
    assert '<h2 id="what-it-means">What it means</h2>' in html
    assert '<a href="https://example.org/" rel="noopener noreferrer">A source</a>' in html


@pytest.mark.parametrize(
    ("label", "text", "meaning"),
    [
        ("emerging", "Emerging", "early studies look hopeful"),
        ("investigational", "Investigational", "still being tested in research"),
        ("not_approved", "Not approved", "no regulator has approved it"),
    ],
)
def test_each_evidence_label_is_explained_in_one_plain_line(
    patient_client, first, lesson, label, text, meaning
):
    lesson.evidence_label = label
    services.content_publish(obj=lesson)

    html = main(patient_client.get(url(first, lesson)))

    assert f'<span class="badge badge-{label}">{text}</span>' in html
    assert meaning in html


def test_a_therapy_lesson_shows_its_regulatory_status(patient_client, first, lesson):
    lesson.therapy = Therapy.objects.create(
        slug="exosomes",
        name="Exosome products",
        regulatory_status="Not FDA-approved for any use",
        summary="Tiny particles.",
    )
    services.content_publish(obj=lesson)

    html = main(patient_client.get(url(first, lesson)))

    assert "Regulatory status of Exosome products:" in html
    assert "Not FDA-approved for any use" in html


def test_glossary_words_used_are_defined_below_the_lesson(patient_client, first, lesson):
    GlossaryTerm.objects.create(term="paragraph", definition="A few sentences together.")
    GlossaryTerm.objects.create(term="alopecia", definition="Hair loss.")

    html = main(patient_client.get(url(first, lesson)))

    assert "Words used in this lesson" in html
    assert 'href="#term-paragraph" aria-describedby="term-paragraph-def"' in html
    assert '<dt id="term-paragraph">paragraph</dt>' in html
    assert '<dd id="term-paragraph-def">A few sentences together.</dd>' in html
    assert "term-alopecia" not in html  # not used in this lesson


def test_without_glossary_words_there_is_no_empty_list(patient_client, first, lesson):
    assert "Words used in this lesson" not in main(patient_client.get(url(first, lesson)))


def test_an_unread_lesson_offers_mark_as_read(patient_client, first, lesson):
    html = main(patient_client.get(url(first, lesson)))

    assert f'action="{url(first, lesson, "read/")}"' in html
    assert 'method="post"' in html
    assert "Mark as read and continue" in html
    assert "Read on" not in html


def test_marking_as_read_goes_on_to_the_next_lesson(patient_client, patient, first, lesson):
    response = patient_client.post(url(first, lesson, "read/"))

    assert response.status_code == 302
    assert response["Location"] == url(first, lessons(first)[1])
    completion = LessonCompletion.objects.get(patient=patient, lesson=lesson)
    assert completion.lesson_version == lesson.version


def test_marking_the_last_lesson_read_goes_on_to_the_quiz(patient_client, patient, first):
    one, two = lessons(first)
    read(patient, one)

    response = patient_client.post(url(first, two, "read/"))

    assert response["Location"] == f"/learn/{first.slug}/quiz/"


def test_after_skipping_a_lesson_mark_as_read_leads_back_to_it(patient_client, first):
    one, two = lessons(first)

    response = patient_client.post(url(first, two, "read/"))

    assert response["Location"] == url(first, one)


def test_a_read_lesson_says_when_it_was_read(patient_client, patient, first, lesson):
    read(patient, lesson)

    html = main(patient_client.get(url(first, lesson)))

    assert "Read on" in html
    assert "Mark as read" not in html


def test_an_updated_lesson_says_so_and_can_be_marked_read_again(
    patient_client, patient, first, lesson
):
    read(patient, lesson)
    lesson.body += "\n\n## What we don't know yet\n\nMore research is needed."
    services.content_publish(obj=lesson)

    html = main(patient_client.get(url(first, lesson)))
    assert "Updated since you read it." in html
    assert "Mark the new version as read and continue" in html

    patient_client.post(url(first, lesson, "read/"))
    html = main(patient_client.get(url(first, lesson)))
    assert "Updated since you read it." not in html
    assert LessonCompletion.objects.get(patient=patient, lesson=lesson).lesson_version == 2


def test_previous_and_next_follow_the_pathway(patient_client, patient, first, second):
    one, two = lessons(first)

    html = main(patient_client.get(url(first, one)))
    assert 'rel="prev"' not in html
    assert f'href="{url(first, two)}" rel="next"' in html

    html = main(patient_client.get(url(first, two)))
    assert f'href="{url(first, one)}" rel="prev"' in html
    assert "Quiz 1" in html and "(not open yet)" in html  # lessons unread

    pass_stage(patient, first)
    html = main(patient_client.get(url(second, lessons(second)[0])))
    assert f'href="/learn/{first.slug}/quiz/" rel="prev"' in html


def test_a_lesson_in_a_locked_stage_is_a_friendly_403(patient_client, second):
    response = patient_client.get(url(second, lessons(second)[0]))

    assert response.status_code == 403
    assert "education/patient/locked.html" in [t.name for t in response.templates]
    assert "Please finish Stage 1, “Stage 1”, first." in page(response)


def test_marking_a_locked_lesson_read_is_refused(patient_client, patient, second):
    response = patient_client.post(url(second, lessons(second)[0], "read/"))

    assert response.status_code == 403
    assert not LessonCompletion.objects.filter(patient=patient).exists()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            lambda first, second, lesson: f"/learn/{first.slug}/no-such-lesson/", id="lesson"
        ),
        pytest.param(
            lambda first, second, lesson: f"/learn/no-such-module/{lesson.slug}/", id="module"
        ),
        pytest.param(
            lambda first, second, lesson: f"/learn/{second.slug}/{lesson.slug}/",
            id="lesson-under-another-module",
        ),
    ],
)
def test_unknown_slugs_are_404(patient_client, first, second, lesson, path):
    assert patient_client.get(path(first, second, lesson)).status_code == 404
    assert patient_client.post(path(first, second, lesson) + "read/").status_code == 404


def test_a_lesson_from_another_pathway_is_404(patient_client):
    other = stages(make_pathway())[0]

    response = patient_client.get(url(other, lessons(other)[0]))

    assert response.status_code == 404


def test_a_draft_lesson_is_404(patient_client, patient, first, lesson):
    services.content_unpublish(obj=lesson)

    assert patient_client.get(url(first, lesson)).status_code == 404
    assert patient_client.post(url(first, lesson, "read/")).status_code == 404
    assert not LessonCompletion.objects.filter(patient=patient).exists()


def test_a_lesson_of_a_draft_module_is_404(patient_client, first, lesson):
    services.content_unpublish(obj=first)

    assert patient_client.get(url(first, lesson)).status_code == 404


def test_mark_as_read_needs_post(patient_client, first, lesson):
    assert patient_client.get(url(first, lesson, "read/")).status_code == 405


def test_a_lesson_without_a_pathway_is_404(login, clinic, first, lesson):
    client = login(make_patient(clinic=clinic))

    assert client.get(url(first, lesson)).status_code == 404


def test_lesson_page_has_one_h1_and_ordered_headings(patient_client, first, lesson):
    GlossaryTerm.objects.create(term="paragraph", definition="A few sentences together.")
    html = main(patient_client.get(url(first, lesson)))

    assert html.count("<h1") == 1
    assert "<h3" not in html.split("<h2", 1)[0]


def test_lesson_query_count_does_not_grow_with_lessons_or_glossary(login, clinic):
    counts = []
    for size in (2, 6):
        pathway = make_pathway(lessons=size)
        patient = make_patient(clinic=clinic, pathway=pathway)
        module = stages(pathway)[0]
        target = lessons(module)[-1]
        read(patient, lessons(module)[0])
        GlossaryTerm.objects.create(term=f"term{size}", definition="A word.")
        client = login(patient)
        client.get(url(module, target))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(module, target)).status_code == 200
        counts.append(len(ctx))

    assert counts[0] == counts[1]
    assert counts[0] <= 11


def test_the_editor_preview_shows_the_lesson_body_exactly_as_the_patient_sees_it(
    patient_client, library_editor_client, first, lesson
):
    def body(html):
        return html.split("</header>", 1)[1].split("</article>", 1)[0].strip()

    patient_html = main(patient_client.get(url(first, lesson)))
    preview_html = main(library_editor_client.get(f"/preview/lessons/{lesson.pk}/"))

    assert "<li>One point.</li>" in body(patient_html)
    assert body(preview_html) == body(patient_html)
