"""Scoring an attempt, on plain data and without a database."""

from types import SimpleNamespace

import pytest

from education import grading
from education.grading import ChoiceSpec, QuestionSpec, grade

ONE = QuestionSpec(
    id=1,
    allows_many=False,
    choices=(ChoiceSpec(10, "Yes", True), ChoiceSpec(11, "No", False)),
)
MANY = QuestionSpec(
    id=2,
    allows_many=True,
    choices=(ChoiceSpec(20, "A", True), ChoiceSpec(21, "B", True), ChoiceSpec(22, "C", False)),
)


@pytest.mark.parametrize(
    ("answers", "score", "passes_at_80"),
    [
        ({1: [10], 2: [20, 21]}, 100, True),
        ({1: [10], 2: [20]}, 50, False),
        ({1: [11], 2: [21, 20]}, 50, False),
        ({1: [11], 2: [20, 22]}, 0, False),
    ],
)
def test_a_question_is_right_only_when_the_picked_set_equals_the_correct_set(
    answers, score, passes_at_80
):
    result = grade([ONE, MANY], answers)
    assert not result.problems
    assert result.score == score
    assert result.passes(80) is passes_at_80


def test_repeated_picks_count_once_and_the_answer_text_joins_the_choices():
    result = grade([MANY], {2: [21, 20, 21]})
    (answer,) = result.answers
    assert answer.choice_ids == (21, 20)
    assert answer.answer_text == "B · A"
    assert answer.is_correct


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({}, "Choose an answer"),
        ({1: [99]}, "not one of the choices"),
        ({1: [10, 11]}, "Choose one answer"),
    ],
)
def test_problems_are_keyed_by_question_id(answers, message):
    result = grade([ONE, MANY], {2: [20, 21], **answers})
    assert list(result.problems) == [1]
    assert message in result.problems[1]


# --- The order choices are shown in ------------------------------------------------


def test_the_same_seed_gives_the_same_order_and_keeps_every_choice():
    ids = list(range(1, 9))
    first = grading.shuffled(ids, "key-a:1")

    assert grading.shuffled(ids, "key-a:1") == first
    assert sorted(first) == ids


def test_different_keys_give_different_orders_for_some_question():
    question = QuestionSpec(
        id=7,
        allows_many=False,
        choices=tuple(ChoiceSpec(i, f"Choice {i}", i == 1) for i in range(1, 6)),
    )
    orders = {tuple(grading.choice_order([question], f"key-{n}")["7"]) for n in range(10)}

    assert len(orders) > 1
    assert all(sorted(order) == [1, 2, 3, 4, 5] for order in orders)


def test_in_order_follows_the_stored_order_and_puts_unknown_choices_last():
    choices = [SimpleNamespace(pk=pk) for pk in (1, 2, 3, 4)]

    assert [c.pk for c in grading.in_order(choices, [3, 1, 2])] == [3, 1, 2, 4]
    assert [c.pk for c in grading.in_order(choices, None)] == [1, 2, 3, 4]


# --- Feedback for each choice ------------------------------------------------------

V = grading.ChoiceVerdict


@pytest.mark.parametrize(
    ("allows_many", "picked", "expected"),
    [
        # Multi-select: every choice with its own verdict, so none contradicts another.
        (True, [1], [(1, V.PICKED_RIGHT), (2, V.MISSED), (3, V.LEFT_OUT)]),
        (True, [1, 3], [(1, V.PICKED_RIGHT), (2, V.MISSED), (3, V.PICKED_WRONG)]),
        (True, [1, 2], [(1, V.PICKED_RIGHT), (2, V.PICKED_RIGHT), (3, V.LEFT_OUT)]),
        # One answer: the pick, and the right one when the pick was wrong.
        (False, [3], [(1, V.MISSED), (3, V.PICKED_WRONG)]),
        (False, [1], [(1, V.PICKED_RIGHT)]),
    ],
)
def test_feedback_choices_give_each_choice_its_own_verdict(allows_many, picked, expected):
    choices = [
        SimpleNamespace(pk=1, is_correct=True),
        SimpleNamespace(pk=2, is_correct=True),
        SimpleNamespace(pk=3, is_correct=False),
    ]
    if not allows_many:
        choices = [choices[0], choices[2]]
        expected = [row for row in expected if row[0] != 2]

    rows = grading.feedback_choices(allows_many, choices, picked)

    assert [(choice.pk, verdict) for choice, verdict in rows] == expected


# --- Objectives and variants -------------------------------------------------------


def _q(pk, objective=""):
    return SimpleNamespace(pk=pk, objective=objective)


def test_each_attempt_asks_one_variant_per_objective_and_a_retake_another():
    questions = [_q(1, "regulation"), _q(2, "regulation"), _q(3), _q(4, "upkeep"), _q(5, "upkeep")]

    first = grading.draw(questions, seed=0, attempt_number=1)
    second = grading.draw(questions, seed=0, attempt_number=2)

    assert [q.pk for q in first] == [1, 3, 4]
    assert [q.pk for q in second] == [2, 3, 5]


def test_two_patients_can_start_on_different_variants():
    questions = [_q(1, "regulation"), _q(2, "regulation")]

    assert grading.draw(questions, seed=1, attempt_number=1) != grading.draw(
        questions, seed=2, attempt_number=1
    )


def test_objectives_right_names_only_objectives_of_right_answers():
    specs = [
        QuestionSpec(1, False, (ChoiceSpec(10, "a", True), ChoiceSpec(11, "b", False)), "One"),
        QuestionSpec(2, False, (ChoiceSpec(20, "a", True), ChoiceSpec(21, "b", False)), "Two"),
        QuestionSpec(3, False, (ChoiceSpec(30, "a", True), ChoiceSpec(31, "b", False))),
    ]
    result = grade(specs, {1: [10], 2: [21], 3: [30]})

    assert grading.objectives_right(specs, result) == ["One"]
    assert grading.missing_objectives(["Two", "One"], ["One"]) == ["Two"]
