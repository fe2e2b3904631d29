"""The shipped curriculum: the loader is idempotent, and the content keeps to
the rules (reading level, length, labels, sources, honesty). A future edit
that breaks a rule fails here."""

import re
import shutil
import statistics

import pytest
import yaml

from education.curriculum.loader import CURRICULUM_DIR, load_curriculum
from education.models import (
    Checklist,
    ChecklistItem,
    Choice,
    GlossaryTerm,
    Lesson,
    Module,
    Pathway,
    Question,
    Quiz,
    Status,
)
from education.readability import MAX_SENTENCE_WORDS, heading_ids, measure
from education.rendering import block_texts

THERAPY_LESSON_SLUGS_NEED_UNKNOWNS = {
    "stem-cell-products",
    "exosomes",
    "svf",
    "whartons-jelly",
    "prp",
    "combination-therapy",
}
INVESTIGATIONAL_THERAPIES = {"stem-cell-products", "exosomes", "svf", "whartons-jelly"}
FORBIDDEN_CLAIMS = re.compile(r"\b(cure[sd]?|guarantee[sd]?|risk-free|miracle)\b", re.I)
APPROVED_CLAIM = re.compile(r"\b(is|are) (fda[- ])?approved\b", re.I)


def _lesson_files():
    return [
        yaml.safe_load(p.read_text()) for p in sorted((CURRICULUM_DIR / "modules").glob("*.yaml"))
    ]


def _lessons():
    return [lesson for module in _lesson_files() for lesson in module["lessons"]]


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Pathway,
            Module,
            Lesson,
            Quiz,
            Question,
            Choice,
            Checklist,
            ChecklistItem,
            GlossaryTerm,
        )
    }


def test_loading_twice_leaves_the_same_rows_and_versions(db):
    load_curriculum()
    first = _counts()
    versions = dict(Lesson.objects.values_list("slug", "version"))
    report = load_curriculum(force=True)
    assert _counts() == first
    assert dict(Lesson.objects.values_list("slug", "version")) == versions
    assert report.versions_bumped == []
    assert first["Module"] == 5 and first["Lesson"] >= 20 and first["Question"] >= 35


def test_everything_loaded_is_published_at_version_one(db):
    load_curriculum()
    assert not Lesson.objects.exclude(status=Status.PUBLISHED).exists()
    assert set(Lesson.objects.values_list("version", flat=True)) == {1}
    pathway = Pathway.objects.get()
    assert pathway.pathway_modules.count() == 5
    assert pathway.checklist.items.count() >= 12


def test_an_unchanged_file_is_skipped_so_admin_edits_survive(db):
    load_curriculum()
    lesson = Lesson.objects.order_by("pk").first()
    Lesson.objects.filter(pk=lesson.pk).update(title="Edited in the admin")
    report = load_curriculum()
    assert report.files_loaded == []
    assert Lesson.objects.get(pk=lesson.pk).title == "Edited in the admin"


def test_a_changed_file_updates_by_slug_and_bumps_only_what_changed(db, tmp_path):
    copy = tmp_path / "curriculum"
    shutil.copytree(CURRICULUM_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    load_curriculum(directory=copy)
    path = sorted((copy / "modules").glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text())
    changed_slug = data["lessons"][0]["slug"]
    untouched_slug = data["lessons"][1]["slug"]
    data["lessons"][0]["body"] += "\n\nOne more short sentence."
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    report = load_curriculum(directory=copy)
    assert report.files_loaded == [path.relative_to(copy).as_posix()]
    assert Lesson.objects.get(slug=changed_slug).version == 2
    assert Lesson.objects.get(slug=untouched_slug).version == 1
    assert Lesson.objects.filter(slug=changed_slug).count() == 1


def test_curriculum_has_the_minimum_shape():
    pathway = yaml.safe_load((CURRICULUM_DIR / "pathway.yaml").read_text())
    modules = _lesson_files()
    assert len(modules) == 5
    assert all(len(m["lessons"]) >= 4 for m in modules)
    assert all(len(m["quiz"]["questions"]) >= 7 for m in modules)
    assert len(pathway["checklist"]["items"]) >= 12
    assert {i["kind"] for i in pathway["checklist"]["items"]} == {
        "acknowledgement",
        "self_check",
        "question",
    }
    assert len(pathway["glossary"]) >= 20


@pytest.mark.parametrize("lesson", _lessons(), ids=lambda lesson: lesson["slug"])
def test_each_lesson_keeps_the_content_rules(lesson):
    grade, longest, words = measure(lesson["body"], "\n".join(lesson["key_points"]))
    assert grade <= 9, f"reading grade {grade}"
    assert longest <= MAX_SENTENCE_WORDS, f"a sentence of {longest} words"
    assert 150 <= words <= 600, f"{words} words"
    assert lesson["evidence_label"] in {
        "established",
        "emerging",
        "investigational",
        "not_approved",
    }
    assert lesson["sources"], "at least one source"
    assert all(s["url"].startswith(("http://", "https://")) for s in lesson["sources"])
    assert 3 <= len(lesson["key_points"]) <= 6
    assert re.search(r"^## ", lesson["body"], re.M), "has headings"
    text = " ".join(block_texts(lesson["body"]) + lesson["key_points"])
    assert not FORBIDDEN_CLAIMS.search(text), FORBIDDEN_CLAIMS.search(text)
    therapy = lesson.get("therapy")
    if therapy in THERAPY_LESSON_SLUGS_NEED_UNKNOWNS:
        assert "what-we-dont-know-yet" in heading_ids(lesson["body"])
    if therapy in INVESTIGATIONAL_THERAPIES:
        assert lesson["evidence_label"] in {"investigational", "not_approved"}


def test_average_reading_grade_is_at_most_seven():
    grades = [measure(lesson["body"], "\n".join(lesson["key_points"]))[0] for lesson in _lessons()]
    assert statistics.mean(grades) <= 7


def test_no_sentence_says_an_investigational_product_is_approved():
    for lesson in _lessons():
        for block in block_texts(lesson["body"]):
            for sentence in re.split(r"(?<=[.!?])\s+", block):
                lowered = sentence.lower()
                if ("exosome" in lowered or "stem cell" in lowered) and APPROVED_CLAIM.search(
                    sentence
                ):
                    assert re.search(r"\b(not|no|none|never|only)\b", lowered), sentence


@pytest.mark.parametrize(
    "question",
    [q for m in _lesson_files() for q in m["quiz"]["questions"]],
    ids=lambda q: q["prompt"][:40],
)
def test_each_quiz_question_is_complete(question):
    choices = question["choices"]
    assert question["explanation"].strip()
    assert all(c["feedback"].strip() for c in choices)
    correct = sum(bool(c["correct"]) for c in choices)
    if question["kind"] == "multiple":
        assert correct >= 2
    else:
        assert correct == 1
    if question["kind"] == "true_false":
        assert sorted(str(c["text"]) for c in choices) == ["False", "True"]


def test_quiz_links_point_to_real_lesson_sections():
    for module in _lesson_files():
        lessons = {lesson["slug"]: lesson for lesson in module["lessons"]}
        for question in module["quiz"]["questions"]:
            lesson = lessons[question["lesson"]]
            if question.get("section"):
                assert question["section"] in heading_ids(lesson["body"]), question["prompt"]
