"""The patient services: each one transaction, each keeping the enrollment's
readiness snapshot in step with the raw records."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from education import services
from education.models import (
    AttemptAnswer,
    ChecklistResponse,
    Choice,
    Enrollment,
    LessonCompletion,
    PatientQuestion,
    QuizAttempt,
    ReadinessStatus,
)
from tests.builders import correct_answers, make_pathway, make_patient, wrong_answers
from tests.education.pages import lessons, stages

# --- Helpers ------------------------------------------------------------------


def read_stage(enrollment, module):
    for lesson in lessons(module):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)


def submit(enrollment, quiz, answers, **kwargs):
    kwargs.setdefault("submission_key", uuid.uuid4())
    return services.quiz_attempt_submit(enrollment=enrollment, quiz=quiz, answers=answers, **kwargs)


def finish_stage(enrollment, module):
    read_stage(enrollment, module)
    submit(enrollment, module.quiz, correct_answers(module.quiz))


def snapshot(enrollment):
    enrollment.refresh_from_db()
    return (
        enrollment.readiness_status,
        enrollment.progress_percent,
        enrollment.open_flags,
        enrollment.first_attempt_score,
    )


@pytest.fixture
def enrollment(patient):
    return Enrollment.objects.get(patient=patient)


@pytest.fixture
def items(pathway):
    return list(pathway.checklist.items.order_by("order"))


# --- Lessons ------------------------------------------------------------------


def test_completing_a_lesson_records_its_version_and_updates_the_snapshot(enrollment, first):
    lesson = lessons(first)[0]

    completion = services.lesson_complete(enrollment=enrollment, lesson=lesson)

    assert completion.lesson_version == lesson.version == 1
    status, percent, _flags, _score = snapshot(enrollment)
    assert status == ReadinessStatus.IN_PROGRESS
    assert percent > 0
    assert enrollment.last_activity_at is not None
    assert AuditEvent.objects.filter(action="education.lesson.completed").count() == 1


def test_rereading_an_updated_lesson_moves_the_completion_to_the_new_version(
    enrollment, first, patient
):
    lesson = lessons(first)[0]
    services.lesson_complete(enrollment=enrollment, lesson=lesson)
    lesson.body += "\n\nA new paragraph."
    assert services.content_publish(obj=lesson) is True

    services.lesson_complete(enrollment=enrollment, lesson=lesson)

    completions = LessonCompletion.objects.filter(patient=patient, lesson=lesson)
    assert completions.count() == 1
    assert completions.get().lesson_version == 2


def test_a_lesson_in_a_locked_stage_cannot_be_completed(enrollment, second):
    with pytest.raises(services.StageLocked):
        services.lesson_complete(enrollment=enrollment, lesson=lessons(second)[0])
    assert not LessonCompletion.objects.exists()


def test_a_draft_lesson_cannot_be_completed(enrollment, first):
    lesson = lessons(first)[0]
    services.content_unpublish(obj=lesson)

    with pytest.raises(services.EducationError):
        services.lesson_complete(enrollment=enrollment, lesson=lesson)


# --- Quizzes ------------------------------------------------------------------


def test_all_correct_answers_pass_with_100(enrollment, first):
    read_stage(enrollment, first)

    attempt = submit(enrollment, first.quiz, correct_answers(first.quiz))

    assert (attempt.number, attempt.score, attempt.passed) == (1, 100, True)
    assert attempt.answers.count() == 2
    assert all(a.is_correct for a in attempt.answers.all())
    assert snapshot(enrollment)[3] == 100  # first-attempt score


def test_wrong_answers_fail_and_the_next_attempt_is_number_two(enrollment, first):
    read_stage(enrollment, first)

    failed = submit(enrollment, first.quiz, wrong_answers(first.quiz))
    passed = submit(enrollment, first.quiz, correct_answers(first.quiz))

    assert (failed.number, failed.score, failed.passed) == (1, 0, False)
    assert (passed.number, passed.score, passed.passed) == (2, 100, True)
    assert snapshot(enrollment)[3] == 0  # the first attempt is what a clinician sees


def test_a_score_equal_to_the_pass_mark_passes(enrollment, first):
    read_stage(enrollment, first)
    questions = list(first.quiz.questions.order_by("order"))
    right, wrong = correct_answers(first.quiz), wrong_answers(first.quiz)
    answers = {questions[0].pk: right[questions[0].pk], questions[1].pk: wrong[questions[1].pk]}

    attempt = submit(enrollment, first.quiz, answers)

    assert attempt.score == first.quiz.pass_mark == 50
    assert attempt.passed


def test_scores_round_to_whole_percent(db):
    pathway = make_pathway(modules=1, questions=3)
    enrollment = Enrollment.objects.get(patient=make_patient(pathway=pathway))
    module = stages(pathway)[0]
    read_stage(enrollment, module)
    answers = correct_answers(module.quiz)
    last = max(answers)
    answers[last] = wrong_answers(module.quiz)[last]

    assert submit(enrollment, module.quiz, answers).score == 67


def test_the_same_submission_key_stores_one_attempt(enrollment, first):
    read_stage(enrollment, first)
    key = uuid.uuid4()

    one = submit(enrollment, first.quiz, correct_answers(first.quiz), submission_key=key)
    two = submit(enrollment, first.quiz, wrong_answers(first.quiz), submission_key=key)

    assert one.pk == two.pk
    assert QuizAttempt.objects.count() == 1
    assert AttemptAnswer.objects.count() == 2


def _question_ids(quiz):
    return list(quiz.questions.order_by("order").values_list("pk", flat=True))


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda answers, q1, q2: answers.pop(q1), id="missing-question"),
        pytest.param(lambda answers, q1, q2: answers.update({q1: [999999]}), id="unknown-choice"),
        pytest.param(
            lambda answers, q1, q2: answers.update({q1: answers[q2]}),
            id="choice-of-another-question",
        ),
        pytest.param(
            lambda answers, q1, q2: answers.update(
                {q1: list(Choice.objects.filter(question_id=q1).values_list("pk", flat=True))}
            ),
            id="two-picks-on-a-single-choice-question",
        ),
    ],
)
def test_bad_answers_are_marked_on_their_question_and_nothing_is_stored(enrollment, first, spoil):
    read_stage(enrollment, first)
    q1, q2 = _question_ids(first.quiz)
    answers = correct_answers(first.quiz)
    spoil(answers, q1, q2)

    with pytest.raises(services.EducationError) as caught:
        submit(enrollment, first.quiz, answers)

    assert set(caught.value.errors) == {q1}
    assert not QuizAttempt.objects.exists()


def test_a_stale_quiz_version_is_refused(enrollment, first):
    read_stage(enrollment, first)

    with pytest.raises(services.EducationError, match="updated while you were answering"):
        submit(enrollment, first.quiz, correct_answers(first.quiz), quiz_version=0)
    assert not QuizAttempt.objects.exists()


def test_the_quiz_of_a_locked_stage_is_refused(enrollment, second):
    with pytest.raises(services.StageLocked):
        submit(enrollment, second.quiz, correct_answers(second.quiz))
    assert not QuizAttempt.objects.exists()


def test_the_quiz_opens_only_after_every_lesson_of_its_stage_is_read(enrollment, first):
    services.lesson_complete(enrollment=enrollment, lesson=lessons(first)[0])

    with pytest.raises(services.StageLocked, match="Read every lesson"):
        submit(enrollment, first.quiz, correct_answers(first.quiz))


def test_passing_a_quiz_opens_the_next_stage(enrollment, first, second):
    finish_stage(enrollment, first)

    services.lesson_complete(enrollment=enrollment, lesson=lessons(second)[0])

    assert LessonCompletion.objects.count() == 3


# --- Checklist ----------------------------------------------------------------


def test_a_worrying_answer_raises_a_flag_and_changing_it_clears_it(enrollment, items):
    item = items[0]

    response = services.checklist_response_save(enrollment=enrollment, item=item, answer="not_sure")

    assert response.flag_status == ChecklistResponse.FlagStatus.OPEN
    status, _percent, flags, _score = snapshot(enrollment)
    assert (status, flags) == (ReadinessStatus.NEEDS_DISCUSSION, 1)

    response = services.checklist_response_save(enrollment=enrollment, item=item, answer="yes")

    assert response.flag_status == ChecklistResponse.FlagStatus.NONE
    status, _percent, flags, _score = snapshot(enrollment)
    assert (status, flags) == (ReadinessStatus.IN_PROGRESS, 0)
    assert ChecklistResponse.objects.count() == 1


def test_a_note_is_kept_with_the_answer(enrollment, items):
    response = services.checklist_response_save(
        enrollment=enrollment, item=items[0], answer="no", note="  I worry about scarring.  "
    )
    assert response.note == "I worry about scarring."


@pytest.mark.parametrize(
    ("answer", "note"),
    [("maybe", ""), ("", ""), ("yes", "x" * 501)],
    ids=["unknown-answer", "no-answer", "note-too-long"],
)
def test_bad_checklist_input_is_refused(enrollment, items, answer, note):
    with pytest.raises(services.EducationError):
        services.checklist_response_save(
            enrollment=enrollment, item=items[0], answer=answer, note=note
        )
    assert not ChecklistResponse.objects.exists()


def test_a_note_of_exactly_500_characters_is_accepted(enrollment, items):
    response = services.checklist_response_save(
        enrollment=enrollment, item=items[0], answer="yes", note="x" * 500
    )
    assert len(response.note) == 500


def test_an_item_from_another_checklist_is_refused(enrollment):
    foreign_item = make_pathway().checklist.items.first()

    with pytest.raises(services.EducationError, match="not on your checklist"):
        services.checklist_response_save(enrollment=enrollment, item=foreign_item, answer="yes")


def test_saving_all_answers_at_once_is_all_or_nothing(enrollment, items):
    entries = [(items[0], "yes", ""), (items[1], "yes", "x" * 501)]

    with pytest.raises(services.EducationError) as caught:
        services.checklist_responses_save(enrollment=enrollment, entries=entries)

    assert set(caught.value.errors) == {items[1].pk}
    assert not ChecklistResponse.objects.exists()


def test_saving_all_answers_leaves_a_discussed_flag_discussed(enrollment, items, clinician):
    response = services.checklist_response_save(
        enrollment=enrollment, item=items[0], answer="not_sure"
    )
    services.flag_mark_discussed(staff=clinician, response=response)

    services.checklist_responses_save(
        enrollment=enrollment, entries=[(items[0], "not_sure", ""), (items[1], "yes", "")]
    )

    response.refresh_from_db()
    assert response.flag_status == ChecklistResponse.FlagStatus.DISCUSSED
    assert snapshot(enrollment)[2] == 0


def test_saving_all_answers_updates_the_snapshot(enrollment, items):
    services.checklist_responses_save(
        enrollment=enrollment, entries=[(item, "yes", "") for item in items]
    )

    status, percent, flags, _score = snapshot(enrollment)
    assert ChecklistResponse.objects.count() == 3
    assert (status, flags) == (ReadinessStatus.IN_PROGRESS, 0)
    assert percent == round(100 * 3 / 9)  # 4 lessons + 2 quizzes + 3 items


# --- My questions -------------------------------------------------------------


def test_adding_a_question_strips_it_and_marks_activity(enrollment):
    question = services.patient_question_add(
        enrollment=enrollment, text="  How long does it last?  "
    )

    assert question.text == "How long does it last?"
    enrollment.refresh_from_db()
    assert enrollment.last_activity_at is not None


@pytest.mark.parametrize("text", ["", "   ", "x" * 501], ids=["empty", "blank", "too-long"])
def test_a_question_must_have_1_to_500_characters(enrollment, text):
    with pytest.raises(services.EducationError):
        services.patient_question_add(enrollment=enrollment, text=text)
    assert not PatientQuestion.objects.exists()


def test_a_question_of_exactly_500_characters_is_accepted(enrollment):
    assert len(services.patient_question_add(enrollment=enrollment, text="q" * 500).text) == 500


def test_updating_a_question_keeps_the_length_limit(enrollment):
    question = services.patient_question_add(enrollment=enrollment, text="First wording")

    with pytest.raises(services.EducationError):
        services.patient_question_update(question=question, text="x" * 501)
    services.patient_question_update(question=question, text="Second wording")

    question.refresh_from_db()
    assert question.text == "Second wording"


def test_updating_and_deleting_a_question_mark_activity(enrollment):
    question = services.patient_question_add(enrollment=enrollment, text="A question")
    Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=None)

    services.patient_question_update(question=question, text="A better question")
    enrollment.refresh_from_db()
    assert enrollment.last_activity_at is not None

    Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=None)
    services.patient_question_delete(question=question)
    enrollment.refresh_from_db()
    assert enrollment.last_activity_at is not None
    assert not PatientQuestion.objects.exists()


# --- Snapshot -----------------------------------------------------------------


def _mixed_journey(enrollment, pathway, items):
    first, second = stages(pathway)
    read_stage(enrollment, first)
    assert not submit(enrollment, first.quiz, wrong_answers(first.quiz)).passed
    submit(enrollment, first.quiz, correct_answers(first.quiz))
    services.lesson_complete(enrollment=enrollment, lesson=lessons(second)[0])
    services.checklist_response_save(enrollment=enrollment, item=items[0], answer="yes")
    services.checklist_response_save(enrollment=enrollment, item=items[1], answer="not_sure")
    services.patient_question_add(enrollment=enrollment, text="Will it hurt?")


def test_recomputing_gives_the_same_snapshot_as_the_incremental_updates(
    enrollment, pathway, items, other_patient
):
    _mixed_journey(enrollment, pathway, items)
    expected = snapshot(enrollment)
    other = Enrollment.objects.get(patient=other_patient)
    expected_other = snapshot(other)
    Enrollment.objects.update(
        readiness_status=ReadinessStatus.READY,
        progress_percent=0,
        open_flags=0,
        first_attempt_score=None,
    )

    assert services.snapshots_recompute() == 2

    assert snapshot(enrollment) == expected
    assert expected == (ReadinessStatus.NEEDS_DISCUSSION, 56, 1, 0)
    assert snapshot(other) == expected_other == (ReadinessStatus.NOT_STARTED, 0, 0, None)


def test_recompute_readiness_command_rebuilds_snapshots_and_says_how_many(
    enrollment, pathway, items
):
    _mixed_journey(enrollment, pathway, items)
    expected = snapshot(enrollment)
    Enrollment.objects.update(readiness_status=ReadinessStatus.READY, progress_percent=100)
    out = StringIO()

    call_command("recompute_readiness", stdout=out)

    assert "Recomputed readiness for 1 enrollment(s)." in out.getvalue()
    assert snapshot(enrollment) == expected


def test_recompute_readiness_command_with_no_enrollments(db):
    out = StringIO()
    call_command("recompute_readiness", stdout=out)
    assert "Recomputed readiness for 0 enrollment(s)." in out.getvalue()
