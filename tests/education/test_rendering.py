import pytest

from education.rendering import render_lesson, render_markdown, sanitize


@pytest.mark.parametrize(
    ("markdown_text", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<a href="#" onclick="steal()">x</a>', "onclick"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript:"),
        ('<iframe src="https://evil.example/"></iframe>', "<iframe"),
        ('<p style="position:fixed">x</p>', "style="),
        ('<a href="/x" hx-post="/accounts/logout/">x</a>', "hx-post"),
        ('<div data-hx-get="/clinic/export.csv">x</div>', "data-hx-get"),
        ('<form action="/x"><input name="a"></form>', "<form"),
        ("<object data='x.swf'></object>", "<object"),
        ("<svg onload=alert(1)></svg>", "onload"),
    ],
    ids=[
        "script",
        "img-onerror",
        "onclick",
        "javascript-url",
        "javascript-url-mixed-case",
        "iframe",
        "style-attribute",
        "hx-attribute",
        "data-hx-attribute",
        "form",
        "object",
        "svg-onload",
    ],
)
def test_sanitising_removes_dangerous_constructs(markdown_text, forbidden):
    html = str(render_markdown(markdown_text)).lower()
    assert forbidden.lower() not in html


def test_safe_markdown_survives():
    html = str(
        render_markdown("Some **bold** text and a [source](https://example.org/).\n\n- one\n- two")
    )
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org/"' in html
    assert "<li>one</li>" in html


def test_links_get_safe_rel():
    assert 'rel="noopener noreferrer nofollow"' in sanitize('<a href="https://example.org/">x</a>')


def test_headings_get_ids_for_quiz_links():
    html = str(render_markdown("## What we don't know yet\n\nText.\n\n## Risks\n\n## Risks"))
    assert '<h2 id="what-we-dont-know-yet">' in html
    assert '<h2 id="risks">' in html
    assert '<h2 id="risks-2">' in html


def test_first_use_of_a_glossary_term_links_to_its_definition():
    rendered = render_lesson(
        "## Anagen basics\n\nThe anagen stage is long. Anagen again.",
        [("Anagen", "The growing stage of a hair.")],
    )
    html = str(rendered.html)
    assert html.count('class="term"') == 1
    assert 'href="#term-anagen" aria-describedby="term-anagen-def">anagen</a>' in html
    # Not inside the heading.
    assert '<h2 id="anagen-basics">Anagen basics</h2>' in html
    assert [use.term for use in rendered.terms] == ["Anagen"]


def test_glossary_definitions_are_escaped():
    rendered = render_lesson("A term here.", [("term", "<b>bold</b> definition")])
    assert rendered.terms[0].definition == "<b>bold</b> definition"  # the template escapes it
    assert "<b>" not in str(rendered.html)
