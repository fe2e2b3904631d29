"""manage.py check_pathway: a simulated patient walks every published pathway
(rolled back); each gate holds, and a broken gate fails the command by name."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from education import journey, readiness, services
from education.curriculum.loader import load_curriculum
from education.models import Enrollment, QuizAttempt


@pytest.fixture
def curriculum(db):
    load_curriculum()


def _run():
    out = StringIO()
    call_command("check_pathway", stdout=out)
    return out.getvalue()


def test_the_shipped_curriculum_passes_every_gate_and_leaves_nothing_behind(curriculum):
    out = _run()

    assert "gates hold (locked-stage, quiz-before-lessons" in out
    assert "checklist, teach-back, decision-check, ready" in out
    assert not Enrollment.objects.exists()
    assert not QuizAttempt.objects.exists()
    assert not User.objects.filter(email__startswith="pathway-check-").exists()


def test_must_pass_objectives_are_proved_when_a_quiz_has_them(pathway):
    quiz = pathway.pathway_modules.order_by("order").first().module.quiz
    first_question = quiz.questions.order_by("order").first()
    first_question.objective = "Investigational means unproven"
    first_question.save()
    quiz.must_pass = "Investigational means unproven"
    quiz.save()
    services.content_publish(obj=quiz)

    assert "must-pass" in _run()


def test_a_quiz_that_opens_before_its_lessons_fails_the_command_by_name(curriculum, monkeypatch):
    monkeypatch.setattr(journey, "quiz_is_open", lambda stage, read: True)

    with pytest.raises(CommandError, match="quiz-before-lessons"):
        _run()


def test_a_stage_passed_with_a_must_pass_objective_missed_fails_by_name(pathway, monkeypatch):
    quiz = pathway.pathway_modules.order_by("order").first().module.quiz
    first_question = quiz.questions.order_by("order").first()
    first_question.objective = "Results take months"
    first_question.save()
    quiz.must_pass = "Results take months"
    quiz.save()
    services.content_publish(obj=quiz)
    # Break the rule: must-pass objectives no longer hold a stage, nor an attempt.
    monkeypatch.setattr(readiness, "objectives_missing", lambda module, progress: [])
    monkeypatch.setattr("education.grading.missing_objectives", lambda must, shown: [])

    with pytest.raises(CommandError, match="must-pass"):
        _run()


def test_no_published_pathway_is_an_error(db):
    with pytest.raises(CommandError, match="No published pathway"):
        _run()


def test_ready_without_the_teach_back_fails_the_command_by_name(curriculum, monkeypatch):
    # Break the rule: a missing teach-back no longer holds readiness (and the
    # decision check counts as answered, so only the teach-back gate can fail).
    monkeypatch.setattr(readiness, "Progress", _progress_with_every_teach_back(readiness.Progress))

    with pytest.raises(CommandError, match="teach-back"):
        _run()


def _progress_with_every_teach_back(progress_class):
    def build(**values):
        values["teach_backs"] = frozenset(range(1, 10_000))
        values["decision_check_answered"] = True
        return progress_class(**values)

    return build
