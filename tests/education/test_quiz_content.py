"""The shipped quizzes measure understanding, not test-wiseness: true/false
keys are balanced, every question checks a named objective, the must-pass
objectives are the safety-critical ones, and no wording gives the answer away."""

import re

import pytest
import yaml

from education.curriculum.loader import CURRICULUM_DIR

ABSOLUTE_CUES = re.compile(
    r"\b(always|never|completely|guaranteed|forever|risk-free|100 ?%)\b|no side effects", re.I
)
NONE_OR_ALL = re.compile(r"\b(all|none) of the above\b", re.I)
SAFETY_WORDS = re.compile(r"FDA|approved|harm|safe|months|upkeep|result|warning|proven", re.I)
PERSON = re.compile(r"^(A friend|A clinic|[A-Z][a-z]+ (is|had|has))\b")


def _quizzes():
    return [
        (path.stem, yaml.safe_load(path.read_text())["quiz"])
        for path in sorted((CURRICULUM_DIR / "modules").glob("*.yaml"))
    ]


QUIZZES = _quizzes()


def _true_share(questions) -> float:
    keys = [
        next(str(c["text"]) for c in q["choices"] if c["correct"])
        for q in questions
        if q["kind"] == "true_false"
    ]
    return keys.count("True") / len(keys)


@pytest.mark.parametrize(("name", "quiz"), QUIZZES, ids=[name for name, _ in QUIZZES])
def test_true_false_keys_are_balanced_in_each_quiz(name, quiz):
    assert 0.4 <= _true_share(quiz["questions"]) <= 0.6


def test_true_false_keys_are_balanced_across_the_curriculum():
    questions = [q for _name, quiz in QUIZZES for q in quiz["questions"]]
    assert 0.4 <= _true_share(questions) <= 0.6


@pytest.mark.parametrize(("name", "quiz"), QUIZZES, ids=[name for name, _ in QUIZZES])
def test_every_question_checks_an_objective_asked_at_least_twice(name, quiz):
    objectives = [(q.get("objective") or "").strip() for q in quiz["questions"]]
    assert all(objectives), "a question without an objective"
    # A retake can then draw another question for each objective.
    assert all(objectives.count(o) >= 2 for o in objectives)
    # With the pass mark at 80 %, one slip in a draw still passes.
    assert len(set(objectives)) >= 5


@pytest.mark.parametrize(("name", "quiz"), QUIZZES, ids=[name for name, _ in QUIZZES])
def test_must_pass_objectives_are_the_safety_critical_ones(name, quiz):
    asked = {q["objective"] for q in quiz["questions"]}
    for objective in quiz.get("must_pass", []):
        assert objective in asked
        assert SAFETY_WORDS.search(objective), objective


def test_the_safety_critical_objectives_are_must_pass():
    must_pass = " ".join(o for _name, quiz in QUIZZES for o in quiz.get("must_pass", []))
    assert "No stem cell or exosome product is FDA-approved for hair loss" in must_pass
    assert "Serious harms have been reported with unapproved products" in must_pass
    assert "Any hair change takes months to show" in must_pass
    assert "Most results last only with upkeep" in must_pass
    assert "How these products might work is not proven in people" in must_pass


def test_prompts_and_choices_carry_no_absolute_word_cues():
    for _name, quiz in QUIZZES:
        for question in quiz["questions"]:
            texts = [question["prompt"]] + [str(c["text"]) for c in question["choices"]]
            for text in texts:
                assert not ABSOLUTE_CUES.search(text), text
                assert not NONE_OR_ALL.search(text), text


def test_some_questions_are_short_scenarios():
    scenarios = [
        q["prompt"]
        for _name, quiz in QUIZZES
        for q in quiz["questions"]
        if PERSON.match(q["prompt"])
    ]
    assert len(scenarios) >= 8, scenarios
    assert any("Sam is told an exosome treatment is FDA-approved" in p for p in scenarios)


def test_right_answer_positions_are_spread_in_the_file():
    # Patients see the choices shuffled; the file order should not give a
    # clue to an editor copying a question either.
    positions = [
        next(i for i, c in enumerate(q["choices"]) if c["correct"])
        for _name, quiz in QUIZZES
        for q in quiz["questions"]
        if q["kind"] == "single"
    ]
    assert max(positions.count(i) for i in set(positions)) <= 0.6 * len(positions)
