"""The shipped curriculum's pictures and tables: every figure it names exists
and has alt text and a caption; every icon array draws the numbers its lesson
states; the option grid has every column filled for every option."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from education import visuals
from education.curriculum.loader import CURRICULUM_DIR
from education.rendering import block_texts, render_markdown

DIAGRAMS = Path(settings.BASE_DIR) / "static" / visuals.DIAGRAM_DIR


def _lessons():
    return [
        lesson
        for path in sorted((CURRICULUM_DIR / "modules").glob("*.yaml"))
        for lesson in yaml.safe_load(path.read_text())["lessons"]
    ]


LESSONS = {lesson["slug"]: lesson for lesson in _lessons()}


def _blocks(kind):
    return [
        (slug, block)
        for slug, lesson in LESSONS.items()
        for block in visuals.extract(lesson["body"])[1]
        if block.kind == kind
    ]


@pytest.mark.parametrize("slug", LESSONS)
def test_every_picture_and_table_in_a_lesson_can_be_drawn(slug):
    assert visuals.problems(LESSONS[slug]["body"]) == []


@pytest.mark.parametrize(("slug", "block"), _blocks("figure"), ids=lambda v: getattr(v, "kind", v))
def test_every_figure_exists_and_has_alt_text_and_a_caption(slug, block):
    figure = visuals.parse(block)
    assert (DIAGRAMS / f"{figure.image}.svg").is_file()
    assert len(figure.alt.split()) >= 8, "alt text says what the picture shows"
    assert figure.caption
    html = str(render_markdown(LESSONS[slug]["body"]))
    assert f'alt="{figure.alt}"' in html.replace("&#x27;", "'")


@pytest.mark.parametrize(
    ("slug", "images"),
    [
        ("how-a-hair-grows", {"hair-cycle", "follicle"}),
        ("pattern-hair-loss", {"norwood-scale", "ludwig-scale"}),
        ("harms-reported-with-unapproved-products", {"injection-session"}),
    ],
)
def test_each_diagram_sits_in_its_lesson(slug, images):
    placed = {b.data["image"] for b in visuals.extract(LESSONS[slug]["body"])[1] if b.data}
    assert images <= placed


@pytest.mark.parametrize("path", sorted(DIAGRAMS.glob("*.svg")), ids=lambda p: p.name)
def test_each_diagram_is_a_plain_svg_that_prints(path):
    svg = path.read_text()
    assert svg.startswith("<svg") and "<title>" in svg
    # Drawn from the file alone: no script, no link out, no font or image to fetch.
    assert not re.search(r"<script|href=\"http|@import|<image", svg)
    assert 'fill="#fff"' in svg  # its own white background, for print and dark pages


OUT_OF_100 = re.compile(r"\b(\d+)(?: to (\d+))? out of 100")


def _outside_blocks(body):
    return " ".join(block_texts(visuals.extract(body)[0]))


@pytest.mark.parametrize(
    ("slug", "block"), _blocks("icon-array"), ids=lambda v: getattr(v, "kind", v)
)
def test_every_icon_array_draws_the_numbers_its_lesson_states(slug, block):
    array = visuals.parse(block)
    text = _outside_blocks(LESSONS[slug]["body"])
    # "about 20 out of 100", or a range "about 36 to 39 out of 100"
    numbers = {int(n) for pair in OUT_OF_100.findall(text) for n in pair if n}
    assert array.treated in numbers and array.placebo in numbers, (array, sorted(numbers))
    html = str(render_markdown(block_source(block)))
    assert html.count('class="icon-filled"') == array.treated + array.placebo
    assert array.text_alternative in html


def block_source(block):
    return f"::: {block.kind}\n{yaml.safe_dump(block.data, allow_unicode=True)}:::"


@pytest.mark.parametrize(
    ("slug", "pair"),
    [
        ("what-success-looks-like", (20, 7)),
        ("what-success-looks-like", (40, 33)),
        ("what-success-looks-like", (39, 6)),
        ("what-success-looks-like", (36, 3)),
        ("approved-treatments-have-risks-too", (4, 2)),
    ],
)
def test_minoxidil_finasteride_and_jak_figures_have_icon_arrays(slug, pair):
    arrays = [visuals.parse(b) for s, b in _blocks("icon-array") if s == slug]
    assert pair in {(a.treated, a.placebo) for a in arrays}


OPTIONS = [
    "Doing nothing",
    "Cover-ups",
    "Minoxidil on the scalp",
    "Minoxidil pill",
    "Finasteride or dutasteride",
    "Laser or light device",
    "PRP",
    "Transplant",
    "Stem cell, stromal cell or exosome products",
]
COLUMNS = ["involves", "time", "benefit", "harms", "upkeep", "cost", "evidence"]


def _grid():
    [(slug, block)] = _blocks("option-grid")
    assert slug == "options-side-by-side"
    return block


def test_the_option_grid_has_every_option_with_every_column_filled():
    block = _grid()
    assert [c["key"] for c in block.data["columns"]] == COLUMNS
    rows = block.data["rows"]
    assert len(rows) == len(OPTIONS)
    for row, option in zip(rows, OPTIONS, strict=True):
        assert row["option"].startswith(option)
        assert set(row) == {"option", *COLUMNS}, row["option"]
        for key in COLUMNS:
            assert str(row[key]).strip(), (row["option"], key)


def test_the_option_grid_invents_no_price_and_labels_the_investigational_row():
    rows = {row["option"]: row for row in _grid().data["rows"]}
    text = " ".join(str(v) for row in rows.values() for v in row.values())
    assert "$" not in text and not re.search(r"\b(dollars?|USD|£|€)\b", text)
    for row in rows.values():
        if row["option"] != "Doing nothing" and not row["option"].startswith("Cover-ups"):
            assert "insurance usually does not pay" in row["cost"].lower() or "study" in row["cost"]
    cells = rows["Stem cell, stromal cell or exosome products"]
    assert (
        cells["evidence"].startswith("Investigational") and "Not FDA-approved" in cells["evidence"]
    )
    assert cells["benefit"] == "No good trials yet."
