"""Scoring an attempt, on plain data and without a database."""

import pytest

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
