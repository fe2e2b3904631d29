"""Pictures and tables in a lesson body: icon arrays drawn from their numbers,
the option grid as a real table, diagrams with alt text and a caption, all
escaped, and a block that cannot be drawn named for the editor."""

import re

import pytest

from education import visuals
from education.readability import measure
from education.rendering import block_texts, render_lesson, render_markdown


def icon_array(treated, placebo, **extra):
    fields = {
        "title": "Moderate regrowth after 32 weeks",
        "people": "women on minoxidil 2%",
        "outcome": "said they had moderate regrowth",
        "label": "Minoxidil 2%",
        "treated": treated,
        "placebo": placebo,
        **extra,
    }
    lines = "\n".join(f"{key}: {value}" for key, value in fields.items())
    return f"Intro.\n\n::: icon-array\n{lines}\n:::\n\nAfter."


GRID = """::: option-grid
caption: Options compared
option_label: Option
columns:
  - key: involves
    label: What it involves
  - key: cost
    label: Cost and insurance
rows:
  - option: Doing nothing
    involves: No treatment.
    cost: None.
  - option: PRP
    involves: Your blood, spun and injected.
    cost: Ask for a written price.
:::
"""


def groups(html: str) -> list[str]:
    """Each group's figures (treated, then placebo), as the SVG draws them."""
    return re.split(r'<g transform="translate\(\d+ 0\)">', html)[1:]


@pytest.mark.parametrize(("treated", "placebo"), [(20, 7), (0, 100), (39, 6), (4, 2)])
def test_the_number_of_filled_figures_is_the_number_in_the_content(treated, placebo):
    html = str(render_markdown(icon_array(treated, placebo)))
    drug, dummy = groups(html)
    assert drug.count('class="icon-filled"') == treated
    assert drug.count('class="icon-empty"') == 100 - treated
    assert dummy.count('class="icon-filled"') == placebo
    assert dummy.count('class="icon-empty"') == 100 - placebo


def test_an_icon_array_is_an_image_with_its_numbers_in_words():
    html = str(render_markdown(icon_array(20, 7)))
    assert 'role="img"' in html and 'aria-labelledby="visual-1-title"' in html
    assert (
        '<title id="visual-1-title">About 20 out of 100 women on minoxidil 2% said they had '
        "moderate regrowth, compared with about 7 out of 100 on placebo.</title>"
    ) in html
    # Not colour alone: the key names the solid and the outline figure.
    assert "Solid figure: had this result." in html and "Outline figure: did not." in html
    assert "<figcaption>" in html and "Moderate regrowth after 32 weeks" in html


@pytest.mark.parametrize("bad", [101, -1, "many", "true"])
def test_an_icon_array_number_must_be_a_whole_number_up_to_100(bad):
    body = icon_array(bad, 7)
    assert visuals.problems(body) == [
        "The icon array needs “treated”, a whole number from 0 to 100."
    ]
    assert 'class="visual-error"' in str(render_markdown(body))


def test_the_option_grid_is_a_table_with_row_and_column_headers():
    html = str(render_markdown(GRID))
    assert '<caption id="visual-1-caption">' in html and "Options compared" in html
    assert 'role="region"' in html and 'aria-labelledby="visual-1-caption"' in html
    assert 'tabindex="0"' in html  # the scroll box can be reached and scrolled by keyboard
    assert html.count('scope="col"') == 3
    assert re.search(r'<th scope="row"\s+role="rowheader">Doing nothing</th>', html)
    # On a phone each value stacks under its column's name.
    assert re.search(
        r'<td role="cell"\s+data-label="Cost and insurance">Ask for a written price\.</td>', html
    )


def test_an_option_grid_row_with_an_empty_column_is_named():
    body = GRID.replace("    cost: None.\n", "    cost: ''\n")
    assert visuals.problems(body) == [
        "The row “Doing nothing” has nothing under: Cost and insurance."
    ]


def test_a_figure_has_its_alt_text_and_caption():
    body = (
        "::: figure\nimage: hair-cycle\nalt: Drawing of the cycle.\ncaption: The hair cycle.\n:::"
    )
    html = str(render_markdown(body))
    assert '<figure class="lesson-visual diagram"' in html
    assert re.search(
        r'<img src="[^"]*education/diagrams/hair-cycle[^"]*\.svg" alt="Drawing of the cycle\."',
        html,
    )
    assert "<figcaption>The hair cycle.</figcaption>" in html


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "::: figure\nimage: nothing-here\nalt: a\ncaption: b\n:::",
            "There is no diagram called “nothing-here”.",
        ),
        (
            "::: figure\nimage: ../../secret\nalt: a\ncaption: b\n:::",
            "There is no diagram called “../../secret”.",
        ),
        ("::: figure\nimage: follicle\ncaption: b\n:::", "The figure block needs “alt”."),
        ("::: figure\nimage: follicle\nalt: a\n:::", "The figure block needs “caption”."),
        ("::: video\nsrc: x\n:::", "Unknown block “video”."),
        ("::: figure\n[not: a mapping\n:::", "The figure block is not valid."),
    ],
    ids=["unknown-image", "path", "no-alt", "no-caption", "unknown-kind", "bad-yaml"],
)
def test_a_block_that_cannot_be_drawn_says_why(body, message):
    assert visuals.problems(body) == [message]


def test_block_values_are_escaped():
    body = GRID.replace("Options compared", "<script>alert(1)</script>").replace(
        "No treatment.", '<img src=x onerror="alert(1)">'
    )
    html = str(render_markdown(body)) + str(render_markdown(icon_array(5, 5, people="<b>men</b>")))
    assert "<script" not in html and "<img src=x" not in html and "<b>men</b>" not in html
    assert "&lt;script&gt;" in html


def test_glossary_terms_are_not_linked_inside_a_picture_or_table():
    rendered = render_lesson(icon_array(20, 7), [("placebo", "A dummy treatment.")])
    assert 'class="term"' not in str(rendered.html)
    assert rendered.has_visuals and not rendered.terms


def test_reading_checks_count_the_words_in_pictures_and_tables():
    texts = block_texts(GRID + "\n" + icon_array(20, 7))
    assert "Your blood, spun and injected." in texts
    assert any(t.startswith("About 20 out of 100 women") for t in texts)
    assert "VISUALBLOCK" not in " ".join(texts)
    assert measure(GRID, "")[2] > 0


def test_a_body_without_blocks_renders_as_before():
    rendered = render_lesson("## Heading\n\nText with ::: colons inside.", [])
    assert not rendered.has_visuals
    assert '<h2 id="heading">Heading</h2>' in str(rendered.html)
