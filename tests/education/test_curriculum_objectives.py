"""The curriculum files may give questions a learning objective and a quiz
its must-pass objectives; a must-pass objective no question checks is refused."""

import shutil

import pytest
import yaml

from education.curriculum.loader import CURRICULUM_DIR, CurriculumError, load_curriculum
from education.models import Question, Quiz


def _copy_with(tmp_path, change):
    copy = tmp_path / "curriculum"
    shutil.copytree(CURRICULUM_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = sorted((copy / "modules").glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text())
    change(data["quiz"])
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return copy, data["quiz"]


def test_objectives_and_must_pass_marks_are_loaded(db, tmp_path):
    def change(quiz):
        for row in quiz["questions"][:2]:
            row["objective"] = "Some shedding is normal"
        quiz["must_pass"] = ["Some shedding is normal"]

    copy, spec = _copy_with(tmp_path, change)
    load_curriculum(directory=copy)

    quiz = Quiz.objects.get(title=spec["title"])
    assert quiz.must_pass_objectives() == ["Some shedding is normal"]
    assert Question.objects.filter(quiz=quiz, objective="Some shedding is normal").count() == 2


def test_a_must_pass_objective_without_a_question_is_refused(db, tmp_path):
    def change(quiz):
        quiz["must_pass"] = ["Nothing asks this"]

    copy, _spec = _copy_with(tmp_path, change)

    with pytest.raises(CurriculumError, match="Nothing asks this"):
        load_curriculum(directory=copy)
