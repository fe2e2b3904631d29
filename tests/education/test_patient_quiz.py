"""/learn/<module>/quiz/: a stage's quiz, with htmx feedback in place and a
post/redirect/get result page without JavaScript."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from education import services
from education.models import Choice, Question, QuizAttempt
from tests.builders import correct_answers, make_pathway, make_patient, wrong_answers
from tests.education.pages import enrollment_of, lessons, main, page, read_stage, stages

HTMX = {"HTTP_HX_REQUEST": "true"}


def quiz_url(module, suffix=""):
    return f"/learn/{module.slug}/quiz/{suffix}"


def form_data(quiz, answers, **overrides):
    data = {"submission_key": str(uuid.uuid4()), "quiz_version": str(quiz.version)}
    for question_id, choice_ids in answers.items():
        data[f"question_{question_id}"] = [str(c) for c in choice_ids]
    data.update(overrides)
    return data


def questions_of(quiz):
    return list(quiz.questions.order_by("order"))


def checked(html, question_id, choice_id) -> bool:
    tag = re.search(rf'<input[^>]*id="question_{question_id}_{choice_id}"[^>]*>', html)
    return tag is not None and " checked" in tag.group(0)


@pytest.fixture
def quiz(first):
    return first.quiz


@pytest.fixture
def ready(patient, first):
    """The patient has read every lesson of the first stage."""
    read_stage(patient, first)
    return patient


# --- Opening the quiz -----------------------------------------------------------


def test_the_quiz_is_locked_until_every_lesson_of_the_stage_is_read(patient_client, first):
    response = patient_client.get(quiz_url(first))

    assert response.status_code == 403
    html = page(response)
    assert "opens when you have read every lesson in this stage" in html
    assert "Lesson 1.1" in html and "Lesson 1.2" in html


def test_the_quiz_of_a_locked_stage_is_a_friendly_403(patient_client, pathway):
    second = stages(pathway)[1]

    response = patient_client.get(quiz_url(second))

    assert response.status_code == 403
    assert "Please finish Stage 1" in page(response)


@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_module_or_a_module_without_quiz_is_404(patient_client, first, ready, method):
    assert getattr(patient_client, method)("/learn/no-such-module/quiz/").status_code == 404
    first.quiz.delete()
    assert getattr(patient_client, method)(quiz_url(first)).status_code == 404


def test_the_quiz_form_has_a_fieldset_per_question_and_hidden_keys(patient_client, quiz, ready):
    response = patient_client.get(quiz_url(quiz.module))

    html = main(response)
    assert response.status_code == 200
    assert html.count("<fieldset") == 2 and html.count("<legend>") == 2
    assert "Question 1 of 2: Question 1?" in html
    assert html.count('type="radio"') == 4
    assert f'name="quiz_version" value="{quiz.version}"' in html
    assert 'method="post"' in html and f'action="{quiz_url(quiz.module)}"' in html
    assert f'hx-post="{quiz_url(quiz.module)}"' in html
    assert 'hx-swap="outerHTML"' in html


def test_each_render_has_a_fresh_submission_key(patient_client, quiz, ready):
    keys = {
        re.search(
            r'name="submission_key" value="([^"]+)"',
            main(patient_client.get(quiz_url(quiz.module))),
        ).group(1)
        for _ in range(2)
    }
    assert len(keys) == 2
    assert all(uuid.UUID(key) for key in keys)


def test_a_multiple_choice_question_uses_checkboxes_and_grades_all_picks(
    patient_client, patient, quiz, ready
):
    question = questions_of(quiz)[0]
    question.kind = Question.Kind.MULTIPLE
    question.save()
    extra = Choice.objects.create(question=question, order=2, text="Also right", is_correct=True)
    services.content_publish(obj=quiz)

    html = main(patient_client.get(quiz_url(quiz.module)))
    assert html.count('type="checkbox"') == 3
    assert "Choose all that apply." in html

    answers = correct_answers(quiz)
    assert extra.pk in answers[question.pk]
    patient_client.post(quiz_url(quiz.module), form_data(quiz, answers))
    assert QuizAttempt.objects.get(enrollment__patient=patient).score == 100


# --- Submitting: htmx -----------------------------------------------------------


def test_htmx_submit_answers_with_the_feedback_partial(patient_client, quiz, ready):
    response = patient_client.post(
        quiz_url(quiz.module), form_data(quiz, correct_answers(quiz)), **HTMX
    )

    html = page(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="quiz-result"' in html and 'aria-live="polite"' in html
    assert 'id="quiz-result-heading" tabindex="-1" autofocus' in html
    assert "You passed this quiz" in html
    assert "Attempt 1: you scored 100%. The pass mark is 50%." in html
    assert html.count("<strong>Correct</strong>") == 2
    assert "Yes." in html  # the picked choice's feedback
    assert "Because the lesson says so." in html  # the explanation
    lesson = lessons(quiz.module)[0]
    assert f'href="/learn/{quiz.module.slug}/{lesson.slug}/#what-it-means"' in html
    assert "Read about this again" in html
    assert "Next stage: Stage 2" in html
    assert response["Vary"].count("HX-Request")


def test_htmx_submit_with_wrong_answers_says_so_in_words_and_offers_a_retry(
    patient_client, quiz, ready
):
    response = patient_client.post(
        quiz_url(quiz.module), form_data(quiz, wrong_answers(quiz)), **HTMX
    )

    html = page(response)
    assert "Not passed yet" in html
    assert "Attempt 1: you scored 0%. The pass mark is 50%." in html
    assert html.count("Not quite right") == 2
    assert "Your answer:" in html and "Wrong" in html
    assert "No." in html
    assert f'href="{quiz_url(quiz.module)}">Try again</a>' in html
    assert "Next stage" not in html


def test_passing_the_last_stage_leads_to_the_checklist(patient_client, patient, pathway):
    first, last = stages(pathway)
    read_stage(patient, first)
    services.quiz_attempt_submit(
        enrollment=enrollment_of(patient),
        quiz=first.quiz,
        answers=correct_answers(first.quiz),
        submission_key=uuid.uuid4(),
    )
    read_stage(patient, last)

    response = patient_client.post(
        quiz_url(last), form_data(last.quiz, correct_answers(last.quiz)), **HTMX
    )

    assert 'href="/learn/checklist/"' in page(response)


# --- Submitting: without JavaScript -----------------------------------------------


def test_a_plain_submit_redirects_to_the_result_page(patient_client, quiz, ready):
    response = patient_client.post(quiz_url(quiz.module), form_data(quiz, correct_answers(quiz)))

    assert response.status_code == 302
    assert response["Location"] == quiz_url(quiz.module, "result/1/")

    shown = patient_client.get(response["Location"])
    html = main(shown)
    assert shown.status_code == 200
    assert 'id="quiz-result"' in html
    assert "Attempt 1: you scored 100%." in html
    assert "autofocus" not in html
    assert "Your attempts" in html


def test_a_double_clicked_submit_stores_one_attempt(patient_client, patient, quiz, ready):
    data = form_data(quiz, correct_answers(quiz))

    first = patient_client.post(quiz_url(quiz.module), data)
    second = patient_client.post(quiz_url(quiz.module), data)
    third = patient_client.post(quiz_url(quiz.module), data, **HTMX)

    assert first["Location"] == second["Location"] == quiz_url(quiz.module, "result/1/")
    assert "Attempt 1: you scored 100%." in page(third)
    assert QuizAttempt.objects.filter(enrollment__patient=patient).count() == 1


def test_previous_attempts_are_listed_with_score_and_result(patient_client, quiz, ready):
    patient_client.post(quiz_url(quiz.module), form_data(quiz, wrong_answers(quiz)))
    patient_client.post(quiz_url(quiz.module), form_data(quiz, correct_answers(quiz)))

    html = main(patient_client.get(quiz_url(quiz.module)))

    assert "Your attempts" in html
    assert quiz_url(quiz.module, "result/1/") in html and quiz_url(quiz.module, "result/2/") in html
    assert re.search(r"<td>0%</td>\s*<td>Not passed</td>", html)
    assert re.search(r"<td>100%</td>\s*<td>Passed</td>", html)


def test_an_unknown_attempt_number_is_404(patient_client, quiz, ready):
    assert patient_client.get(quiz_url(quiz.module, "result/1/")).status_code == 404


def test_another_patients_attempt_is_not_visible(
    patient_client, other_patient, pathway, quiz, ready
):
    read_stage(other_patient, quiz.module)
    services.quiz_attempt_submit(
        enrollment=enrollment_of(other_patient),
        quiz=quiz,
        answers=correct_answers(quiz),
        submission_key=uuid.uuid4(),
    )

    assert patient_client.get(quiz_url(quiz.module, "result/1/")).status_code == 404


# --- Bad input ----------------------------------------------------------------------


def _spoiled(quiz, how):
    q1, q2 = questions_of(quiz)
    answers = correct_answers(quiz)
    data = form_data(quiz, answers)
    if how == "missing-question":
        del data[f"question_{q1.pk}"]
    elif how == "unknown-choice":
        data[f"question_{q1.pk}"] = ["999999"]
    elif how == "choice-of-another-question":
        data[f"question_{q1.pk}"] = [str(answers[q2.pk][0])]
    elif how == "not-a-number":
        data[f"question_{q1.pk}"] = ["abc"]
    return data, q1, q2, answers


BAD = ["missing-question", "unknown-choice", "choice-of-another-question", "not-a-number"]


@pytest.mark.parametrize("how", BAD)
def test_bad_answers_come_back_marked_beside_the_question_with_picks_kept_htmx(
    patient_client, patient, quiz, ready, how
):
    data, q1, q2, answers = _spoiled(quiz, how)

    response = patient_client.post(quiz_url(quiz.module), data, **HTMX)

    html = page(response)
    assert response.status_code == 200
    assert "<html" not in html and 'id="quiz-form"' in html
    assert f'<p class="errorlist" id="question_{q1.pk}-error">' in html
    assert f'aria-describedby="question_{q1.pk}-error"' in html
    assert f'id="question_{q2.pk}-error"' not in html
    assert checked(html, q2.pk, answers[q2.pk][0])
    assert 'role="alert"' in html
    assert not QuizAttempt.objects.filter(enrollment__patient=patient).exists()


@pytest.mark.parametrize("how", BAD)
def test_bad_answers_show_the_full_page_again_as_400(patient_client, patient, quiz, ready, how):
    data, q1, q2, answers = _spoiled(quiz, how)

    response = patient_client.post(quiz_url(quiz.module), data)

    html = main(response)
    assert response.status_code == 400
    assert f'id="question_{q1.pk}-error"' in html
    assert checked(html, q2.pk, answers[q2.pk][0])
    assert not QuizAttempt.objects.filter(enrollment__patient=patient).exists()


def test_a_stale_quiz_version_asks_to_answer_the_new_version(patient_client, patient, quiz, ready):
    q1, _q2 = questions_of(quiz)
    answers = correct_answers(quiz)
    data = form_data(quiz, answers)
    quiz.title = "Quiz 1, revised"
    services.content_publish(obj=quiz)

    response = patient_client.post(quiz_url(quiz.module), data, **HTMX)

    html = page(response)
    assert response.status_code == 200
    assert "updated while you were answering" in html
    assert 'name="quiz_version" value="2"' in html
    assert checked(html, q1.pk, answers[q1.pk][0])
    assert not QuizAttempt.objects.filter(enrollment__patient=patient).exists()


@pytest.mark.parametrize(
    "overrides",
    [{"submission_key": "not-a-uuid"}, {"quiz_version": "x"}, {"submission_key": ""}],
    ids=["bad-key", "bad-version", "no-key"],
)
def test_tampered_hidden_fields_ask_to_send_again(patient_client, patient, quiz, ready, overrides):
    data = form_data(quiz, correct_answers(quiz), **overrides)

    response = patient_client.post(quiz_url(quiz.module), data)

    assert response.status_code == 400
    assert "This form is out of date" in page(response)
    assert not QuizAttempt.objects.filter(enrollment__patient=patient).exists()


def test_posting_to_a_locked_quiz_is_refused(patient_client, patient, quiz):
    response = patient_client.post(quiz_url(quiz.module), form_data(quiz, correct_answers(quiz)))

    assert response.status_code == 403
    assert not QuizAttempt.objects.filter(enrollment__patient=patient).exists()


# --- Query counts ---------------------------------------------------------------------


def _quiz_queries(login, clinic, *, lessons_per_stage, attempts):
    pathway = make_pathway(lessons=lessons_per_stage)
    patient = make_patient(clinic=clinic, pathway=pathway)
    module = stages(pathway)[0]
    read_stage(patient, module)
    for _ in range(attempts):
        services.quiz_attempt_submit(
            enrollment=enrollment_of(patient),
            quiz=module.quiz,
            answers=wrong_answers(module.quiz),
            submission_key=uuid.uuid4(),
        )
    client = login(patient)
    counts = []
    for url in (quiz_url(module), quiz_url(module, "result/1/")):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    return counts


def test_quiz_query_counts_do_not_grow_with_lessons_or_attempts(login, clinic):
    small = _quiz_queries(login, clinic, lessons_per_stage=2, attempts=1)
    more_lessons = _quiz_queries(login, clinic, lessons_per_stage=6, attempts=1)
    more_attempts = _quiz_queries(login, clinic, lessons_per_stage=2, attempts=4)

    assert small == more_lessons == more_attempts
    quiz_page, result_page = small
    assert quiz_page <= 11 and result_page <= 12
