"""/learn/: the patient's pathway, progress and next step."""

import datetime as dt
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from education import services
from education.selfcheck import SURE_ITEMS
from tests.builders import correct_answers, make_pathway, make_patient
from tests.education.pages import enrollment_of, lessons, main, page, read_stage, stages

URL = "/learn/"
SURE_KEYS = [item.key for item in SURE_ITEMS]


def pass_stage(patient, module):
    read_stage(patient, module)
    services.quiz_attempt_submit(
        enrollment=enrollment_of(patient),
        quiz=module.quiz,
        answers=correct_answers(module.quiz),
        submission_key=uuid.uuid4(),
    )


def primary_buttons(html: str) -> list[str]:
    return re.findall(r'<a class="button[ "][^>]*href="([^"]+)"', html)


def queries_for(client, url) -> int:
    client.get(url)  # warm-up: the first request of a session writes to it
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_a_patient_without_a_pathway_sees_a_calm_explanation(login, clinic):
    client = login(make_patient(clinic=clinic))

    for url in [URL, "/learn/checklist/", "/learn/questions/", "/learn/summary/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "Your clinic has not assigned a pathway to you yet." in page(response)


def test_home_shows_the_pathway_and_every_stage(patient_client, pathway):
    response = patient_client.get(URL)

    html = main(response)
    assert response.status_code == 200
    assert f"<h1>{pathway.title}</h1>" in html
    assert "Stage 1: Stage 1" in html and "Stage 2: Stage 2" in html
    assert "What this stage covers." in html
    assert "about 15 minutes" in html
    assert "Ready to start" in html and "Locked" in html


def test_lessons_of_an_open_stage_are_linked_and_a_locked_stage_is_not(patient_client, pathway):
    first, second = stages(pathway)

    html = main(patient_client.get(URL))

    for lesson in lessons(first):
        assert f'href="/learn/{first.slug}/{lesson.slug}/"' in html
    for lesson in lessons(second):
        assert lesson.slug not in html
    assert "Opens when you finish the stage before." in html


def test_a_new_patient_is_not_started_with_one_next_step_to_the_first_lesson(
    patient_client, pathway
):
    first = stages(pathway)[0]

    html = main(patient_client.get(URL))

    assert '<progress id="overall-progress" max="100" value="0">' in html
    assert '<label for="overall-progress">' in html
    assert "Overall progress: 0% done" in html
    assert "Not started yet" in html
    assert primary_buttons(html) == [f"/learn/{first.slug}/{lessons(first)[0].slug}/"]
    assert "Read next: “Lesson 1.1”" in html


def test_still_to_do_lists_the_readiness_reasons(patient_client):
    html = main(patient_client.get(URL))

    assert "Still to do" in html
    assert "2 lessons in “Stage 1” not yet read" in html
    assert "3 required checklist items not yet answered" in html


def test_progress_and_the_next_step_follow_the_patient(patient_client, patient, pathway):
    first, second = stages(pathway)
    read_stage(patient, first)

    html = main(patient_client.get(URL))
    assert "In progress" in html
    assert primary_buttons(html) == [f"/learn/{first.slug}/quiz/"]
    assert "Take the quiz: “Quiz 1”" in html
    assert f'href="/learn/{first.slug}/quiz/"' in html

    pass_stage(patient, first)
    html = main(patient_client.get(URL))
    assert primary_buttons(html) == [f"/learn/{second.slug}/{lessons(second)[0].slug}/"]
    assert "Completed" in html
    assert "passed (best score 100%)" in html
    percent = enrollment_of(patient).progress_percent
    assert f'value="{percent}"' in html


def test_with_every_stage_done_the_next_step_is_the_checklist_the_decision_check_then_the_summary(
    patient_client, patient, pathway
):
    for module in stages(pathway):
        pass_stage(patient, module)

    assert primary_buttons(main(patient_client.get(URL))) == ["/learn/checklist/"]

    enrollment = enrollment_of(patient)
    for item in pathway.checklist.items.all():
        services.checklist_response_save(enrollment=enrollment, item=item, answer="yes")
    html = main(patient_client.get(URL))
    assert primary_buttons(html) == ["/learn/decision-check/"]
    assert "Decision check not yet answered" in html

    services.self_check_save(
        enrollment=enrollment, kind="sure", answers=dict.fromkeys(SURE_KEYS, "yes")
    )
    html = main(patient_client.get(URL))
    assert primary_buttons(html) == ["/learn/summary/"]
    assert "Ready for your consent discussion" in html
    assert "Still to do" not in html


def test_an_open_flag_reads_as_something_to_talk_over(patient_client, patient, pathway):
    item = pathway.checklist.items.first()
    services.checklist_response_save(
        enrollment=enrollment_of(patient), item=item, answer="not_sure"
    )

    html = main(patient_client.get(URL))

    assert "Some answers to talk over with your clinician" in html
    assert "1 checklist answer to talk over with your clinician" in html


def test_an_updated_lesson_is_marked_on_home(patient_client, patient, pathway):
    lesson = lessons(stages(pathway)[0])[0]
    services.lesson_complete(enrollment=enrollment_of(patient), lesson=lesson)
    lesson.body += "\n\nNew research."
    services.content_publish(obj=lesson)

    assert "updated since you read it" in main(patient_client.get(URL))


def test_the_consultation_date_is_shown_in_the_clinics_time_zone(login, clinic, pathway):
    clinic.timezone = "America/New_York"
    clinic.save()
    when = dt.datetime(2030, 3, 5, 15, 30, tzinfo=dt.UTC)
    client = login(make_patient(clinic=clinic, pathway=pathway, consultation_at=when))

    html = main(client.get(URL))

    assert "Tuesday March 5, 2030 at 10:30 a.m. (EST)" in html


def test_without_a_consultation_date_home_says_so(patient_client):
    assert "Your clinic has not set a date yet." in main(patient_client.get(URL))


def test_home_links_to_checklist_questions_and_summary(patient_client):
    html = main(patient_client.get(URL))

    for url in ["/learn/checklist/", "/learn/questions/", "/learn/summary/"]:
        assert f'href="{url}"' in html


def test_home_has_one_h1_and_no_inline_script_or_style(patient_client):
    html = page(patient_client.get(URL))

    assert html.count("<h1") == 1
    assert "<script>" not in html and "style=" not in html


@pytest.mark.parametrize("progress", ["fresh", "first-stage-passed"])
def test_home_query_count_does_not_grow_with_lessons(login, clinic, progress):
    counts = []
    for size in (2, 6):
        pathway = make_pathway(lessons=size)
        patient = make_patient(clinic=clinic, pathway=pathway)
        if progress == "first-stage-passed":
            pass_stage(patient, stages(pathway)[0])
        counts.append(queries_for(login(patient), URL))

    assert counts[0] == counts[1]
    assert counts[0] <= 9
