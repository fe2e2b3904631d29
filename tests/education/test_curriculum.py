"""The shipped curriculum: the loader is idempotent, and the content keeps to
the rules (reading level, length, labels, sources, honesty). A future edit
that breaks a rule fails here."""

import re
import shutil
import statistics
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings

from education.curriculum.loader import CURRICULUM_DIR, load_curriculum
from education.models import (
    Checklist,
    ChecklistItem,
    Choice,
    GlossaryTerm,
    Lesson,
    Module,
    Pathway,
    PublishStatus,
    Question,
    Quiz,
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
IDIOMS = re.compile(
    r"\b(lose the knack|frank talk|signed off on|creep(s|ing)? forward|nudge)\b", re.I
)
SECTION_LABEL = re.compile(
    r"^\*Evidence label: (established|emerging|investigational|not approved)\b", re.M
)
DATED = re.compile(
    r"Checked (January|February|March|April|May|June|July|August|September|"
    r"October|November|December) 20\d\d"
)
ODDS_IN = re.compile(r"\b\d+ in \d+\b")
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
    assert first["Module"] == 5 and first["Lesson"] >= 23 and first["Question"] >= 36


def test_everything_loaded_is_published_at_version_one(db):
    load_curriculum()
    assert not Lesson.objects.exclude(status=PublishStatus.PUBLISHED).exists()
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


def _host_allowed(host: str, domains) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


@pytest.mark.parametrize("lesson", _lessons(), ids=lambda lesson: lesson["slug"])
def test_every_reference_comes_from_an_allowed_host(lesson):
    for source in lesson["sources"]:
        host = urlsplit(source["url"]).hostname or ""
        assert _host_allowed(host, settings.CONTENT_SOURCE_DOMAINS), source["url"]
        # Editor notes ("copy", "confirm on ...") do not belong in a title patients see.
        assert not re.search(r"\b(copy|confirm|before publishing|mirror)\b", source["title"], re.I)


def test_a_clinic_can_add_its_own_source_domains(monkeypatch):
    import importlib

    import portal.settings as portal_settings

    monkeypatch.setenv("CONTENT_EXTRA_SOURCE_DOMAINS", "example-clinic.org, hairsociety.example")
    try:
        reloaded = importlib.reload(portal_settings)
        assert _host_allowed("www.example-clinic.org", reloaded.CONTENT_SOURCE_DOMAINS)
        assert _host_allowed("hairsociety.example", reloaded.CONTENT_SOURCE_DOMAINS)
        assert not _host_allowed("clinic-blog.example.com", reloaded.CONTENT_SOURCE_DOMAINS)
        # A look-alike host does not pass as a subdomain.
        assert not _host_allowed("notfda.gov", reloaded.CONTENT_SOURCE_DOMAINS)
    finally:
        monkeypatch.delenv("CONTENT_EXTRA_SOURCE_DOMAINS")
        importlib.reload(portal_settings)


@pytest.mark.parametrize("lesson", _lessons(), ids=lambda lesson: lesson["slug"])
def test_fda_is_spelled_out_on_first_use(lesson):
    # Key points are shown above the body, so they count first.
    text = " ".join(lesson["key_points"]) + " " + " ".join(block_texts(lesson["body"]))
    first = re.search(r"\bFDA\b", text)
    if first:
        assert text[: first.start()].endswith("Food and Drug Administration ("), lesson["slug"]


@pytest.mark.parametrize("lesson", _lessons(), ids=lambda lesson: lesson["slug"])
def test_section_labels_match_the_lesson(lesson):
    labels = [label.replace(" ", "_") for label in SECTION_LABEL.findall(lesson["body"])]
    if labels:
        # The badge beside the title is one the lesson's own sections carry.
        assert lesson["evidence_label"] in labels, (lesson["evidence_label"], labels)
    if len(set(labels)) > 1:
        # A lesson that mixes kinds of evidence labels every section but the unknowns.
        sections = re.split(r"^## ", lesson["body"], flags=re.M)[1:]
        for section in sections:
            if section.startswith("What we don't know yet"):
                continue
            assert SECTION_LABEL.search(section), section.splitlines()[0]


@pytest.mark.parametrize(
    ("slug", "label"),
    [
        ("the-follicle-control-center", "established"),
        ("keeping-results", "established"),
        ("hair-changes-take-months", "established"),
        ("harms-reported-with-unapproved-products", "established"),
        ("cell-sources-and-the-signal-idea", "investigational"),
        ("exosomes-and-extracellular-vesicles", "investigational"),
    ],
)
def test_badges_that_review_found_wrong_stay_fixed(slug, label):
    assert {lesson["slug"]: lesson for lesson in _lessons()}[slug]["evidence_label"] == label


@pytest.mark.parametrize("lesson", _lessons(), ids=lambda lesson: lesson["slug"])
def test_regulatory_statements_carry_the_date_they_were_checked(lesson):
    # Every section that says what the FDA has or has not approved is dated;
    # the lesson's opening lines only introduce it.
    sections = lesson["body"].split("\n## ", 1)
    for block in block_texts("## " + sections[1]) if len(sections) > 1 else []:
        if re.search(r"\b(approved|approval|not approved)\b", block, re.I) and re.search(
            r"\b(FDA|Food and Drug Administration)\b", block
        ):
            section = _section_of(lesson["body"], block)
            assert DATED.search(section), block


def _section_of(body: str, block: str) -> str:
    for section in re.split(r"^## ", body, flags=re.M):
        if block[:40] in " ".join(block_texts(section)):
            return section
    return body


@pytest.mark.parametrize("lesson", _lessons(), ids=lambda lesson: lesson["slug"])
def test_numbers_use_one_format_beside_placebo(lesson):
    blocks = block_texts(lesson["body"]) + lesson["key_points"]
    for block in blocks:
        assert not ODDS_IN.search(block), block
        if "out of 100" in block:
            assert "placebo" in block.lower() or "on placebo" in " ".join(blocks).lower(), block
    assert not IDIOMS.search(" ".join(blocks)), IDIOMS.search(" ".join(blocks))


def test_quiz_text_uses_the_same_number_format():
    for module in _lesson_files():
        for question in module["quiz"]["questions"]:
            texts = [question["prompt"], question["explanation"]]
            texts += [str(c["text"]) for c in question["choices"]]
            texts += [c["feedback"] for c in question["choices"]]
            for text in texts:
                assert not ODDS_IN.search(text), text


def test_quiz_distractors_only_name_things_a_lesson_teaches():
    body = " ".join(lesson["body"] for lesson in _lessons()).lower()
    for module in _lesson_files():
        for question in module["quiz"]["questions"]:
            for choice in question["choices"]:
                if "banking" in str(choice["text"]).lower():
                    assert "banking" in body, choice["text"]


def test_benefit_numbers_sit_next_to_their_placebo_figures():
    lesson = {item["slug"]: item for item in _lessons()}["what-success-looks-like"]
    for block in block_texts(lesson["body"]):
        if "out of 100" in block:
            assert "placebo" in block.lower(), block


def test_cell_and_exosome_products_are_never_called_approved_for_hair():
    claim = re.compile(r"\b(stem cell|stromal|exosome|svf|wharton)[^.]*\bapproved for hair", re.I)
    for lesson in _lessons():
        for block in block_texts(lesson["body"]) + lesson["key_points"]:
            for sentence in re.split(r"(?<=[.!?])\s+", block):
                if claim.search(sentence):
                    assert re.search(r"\b(no|not|none|never)\b", sentence, re.I), sentence


def test_uncontrolled_case_series_is_not_used_as_a_response_rate():
    text = " ".join(lesson["body"] for lesson in _lessons())
    assert "60 patients" not in text
    assert "PMC8423195" not in " ".join(
        s["url"] for lesson in _lessons() for s in lesson["sources"]
    )


def test_checklist_has_the_second_edition_items():
    items = {
        i["slug"]: i
        for i in yaml.safe_load((CURRICULUM_DIR / "pathway.yaml").read_text())["checklist"]["items"]
    }
    for slug in (
        "can-decline-or-wait",
        "paid-out-of-pocket",
        "allergies",
        "keloids-or-poor-healing",
        "fainting-with-needles",
        "immune-or-diabetes",
        "under-18",
        "ask-who-does-the-procedure",
        "ask-donor-screening",
        "ask-ethics-board",
        "ask-if-i-do-nothing",
    ):
        assert slug in items
    # Whether other options were discussed can only be answered after the talk,
    # so it is not a promise the patient must make beforehand.
    options = items["other-options-discussed"]
    assert options["required"] is False
    assert "after your consultation" in options["text"].lower()


SEARCH_LINK = re.compile(r"[?&](term|query)=|/search\.cfm|/books/\?")


@pytest.mark.parametrize("lesson", _lessons(), ids=lambda lesson: lesson["slug"])
def test_every_source_is_an_exact_record_not_a_search(lesson):
    # A search page can change under the reader; a cited fact needs the record itself
    # (a PubMed or Bookshelf page, a DOI, a label, an agency page).
    for source in lesson["sources"]:
        assert not SEARCH_LINK.search(source["url"]), source["url"]


@pytest.mark.parametrize("lesson", _lessons(), ids=lambda lesson: lesson["slug"])
def test_no_fact_is_published_with_a_to_check_note(lesson):
    # An editor note asking for a check means an unchecked fact sits in patient text.
    notes = [lesson.get("editor_note") or ""]
    notes += [s.get("editor_note") or "" for s in lesson["sources"]]
    for note in notes:
        assert not re.search(r"\b(check|confirm|replace)\b", note, re.I), note


def test_finasteride_harms_follow_the_label():
    lesson = {item["slug"]: item for item in _lessons()}["approved-treatments-have-risks-too"]
    text = " ".join(block_texts(lesson["body"]))
    # Label: sexual adverse reactions in 3.8% on finasteride vs 2.1% on placebo.
    assert "about 4 out of 100 men on finasteride" in text
    assert "about 2 out of 100 on placebo" in text
    # Persistent effects after stopping, depression and suicidal thoughts, PSA.
    assert "after they stopped" in text
    assert "suicide" in text and "PSA" in text
    # Finasteride lowers how much DHT is made; it does not block DHT's effect.
    assert "lowers how much DHT the body makes" in text


def test_telogen_effluvium_triggers_do_not_include_chemotherapy():
    # Chemotherapy stops growing hairs (anagen effluvium); it is listed with other causes.
    lesson = {item["slug"]: item for item in _lessons()}["sudden-shedding-and-other-causes"]
    what_happens = lesson["body"].split("## What happens", 1)[1].split("\n## ", 1)[0]
    assert "chemotherapy" not in what_happens.lower()


def test_every_loaded_text_fits_its_column(db):
    """SQLite does not enforce column lengths; PostgreSQL refuses a value that is too
    long. Every text the curriculum loads must fit where it is stored."""
    from django.apps import apps
    from django.db import models as m

    load_curriculum()
    too_long = []
    for model in apps.get_app_config("education").get_models():
        fields = [
            f for f in model._meta.concrete_fields if isinstance(f, m.CharField) and f.max_length
        ]
        manager = getattr(model, "all_objects", model._default_manager)
        for row in manager.all():
            too_long += [
                f"{model.__name__}.{f.name}={getattr(row, f.attname)!r}"
                for f in fields
                if len(getattr(row, f.attname) or "") > f.max_length
            ]
    assert not too_long
