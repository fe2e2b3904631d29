"""The brief's top names the learning objectives a patient missed, not the
questions: what to go over at the consultation, from data already loaded."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from education import services
from tests.builders import correct_answers, wrong_answers
from tests.education.pages import enrollment_of, page, read_stage, stages

MONTHS = "Results take months to show"
UNPROVEN = "Investigational means unproven"


@pytest.fixture
def quiz(pathway):
    quiz = stages(pathway)[0].quiz
    first, second = quiz.questions.order_by("order", "pk")
    first.objective, second.objective = MONTHS, UNPROVEN
    first.save()
    second.save()
    quiz.must_pass = UNPROVEN
    quiz.save()
    services.content_publish(obj=quiz)
    return quiz


def _submit(patient, quiz, answers):
    services.quiz_attempt_submit(
        enrollment=enrollment_of(patient), quiz=quiz, answers=answers, submission_key=uuid.uuid4()
    )


def _top(client, patient) -> str:
    html = page(client.get(f"/clinic/patients/{patient.pk}/"))
    return html[html.index('id="discuss-heading"') : html.index("from the patient")]


def test_missed_objectives_are_named_not_the_questions(clinician_client, patient, pathway, quiz):
    read_stage(patient, stages(pathway)[0])
    _submit(patient, quiz, wrong_answers(quiz))

    top = _top(clinician_client, patient)
    assert "2 learning objectives to go over" in top
    assert MONTHS in top and UNPROVEN in top
    for question in quiz.questions.all():
        assert question.prompt not in top
    assert top.count("Must pass: not yet answered right") == 1


def test_an_objective_answered_right_later_says_so(clinician_client, patient, pathway, quiz):
    read_stage(patient, stages(pathway)[0])
    _submit(patient, quiz, wrong_answers(quiz))
    _submit(patient, quiz, correct_answers(quiz))

    top = _top(clinician_client, patient)
    assert top.count("answered right since") == 2
    assert "Must pass: not yet answered right" not in top


def test_no_attempt_means_nothing_to_go_over(clinician_client, patient, quiz):
    assert "0 learning objectives to go over" in _top(clinician_client, patient)


def test_the_objectives_cost_no_query(clinician_client, patient, pathway, quiz):
    url = f"/clinic/patients/{patient.pk}/"
    first, second = stages(pathway)[:2]
    read_stage(patient, first)
    _submit(patient, quiz, wrong_answers(quiz))
    _submit(patient, quiz, correct_answers(quiz))
    clinician_client.get(url)
    with CaptureQueriesContext(connection) as one_quiz:
        clinician_client.get(url)
    read_stage(patient, second)
    _submit(patient, second.quiz, wrong_answers(second.quiz))
    clinician_client.get(url)  # as above: the patient's records are cached after a first look
    with CaptureQueriesContext(connection) as two_quizzes:
        html = page(clinician_client.get(url))
    assert "4 learning objectives to go over" in html
    assert len(two_quizzes) == len(one_quiz)
