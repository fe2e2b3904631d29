"""The one way content Markdown becomes HTML: render, then sanitise with an
allow-list, then add heading ids and glossary definitions."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

import markdown
import nh3
from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from . import visuals

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i",
    "blockquote", "code", "pre", "a", "abbr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"https", "http", "mailto"}

_HEADING = re.compile(r"<(h[2-4])>(.*?)</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def sanitize(raw_html: str) -> str:
    """Keep only the allowed tags and attributes; drop scripts, styles,
    event handlers, ``javascript:`` URLs, iframes and every ``hx-*`` attribute."""
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def heading_id(text: str) -> str:
    return slugify(html.unescape(_TAG.sub("", text)))


def _add_heading_ids(safe_html: str) -> str:
    seen: dict[str, int] = {}

    def replace(match: re.Match) -> str:
        tag, inner = match.group(1), match.group(2)
        base = heading_id(inner) or "section"
        seen[base] = seen.get(base, 0) + 1
        anchor = base if seen[base] == 1 else f"{base}-{seen[base]}"
        return f'<{tag} id="{anchor}">{inner}</{tag}>'

    return _HEADING.sub(replace, safe_html)


@dataclass(frozen=True)
class GlossaryUse:
    term: str
    definition: str
    anchor: str


@dataclass(frozen=True)
class RenderedLesson:
    html: SafeString
    terms: tuple[GlossaryUse, ...]
    has_visuals: bool = False


def _term_pattern(term: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-])({re.escape(html.escape(term))})(?![\w-])", re.I)


def _mark_glossary_terms(
    safe_html: str, terms: Iterable[tuple[str, str]]
) -> tuple[str, list[GlossaryUse]]:
    """Link the first use of each term (outside headings, links and code) to
    its definition below the lesson; ``aria-describedby`` lets screen readers
    announce the definition, and the link works by keyboard without JavaScript."""
    candidates = [(t, d, _term_pattern(t)) for t, d in sorted(terms, key=lambda t: -len(t[0]))]
    parts = re.split(r"(<[^>]+>)", safe_html)
    uses: list[GlossaryUse] = []
    used: set[str] = set()
    skip_depth = 0
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name = re.match(r"</?\s*([a-z0-9]+)", part)
            if name and name.group(1) in {"h2", "h3", "h4", "a", "code", "pre"}:
                skip_depth += -1 if part.startswith("</") else 1
            continue
        if skip_depth or not part.strip():
            continue
        out, rest = [], part
        while True:
            best = None
            for term, definition, pattern in candidates:
                if term.lower() in used:
                    continue
                match = pattern.search(rest)
                if match and (best is None or match.start() < best[0].start()):
                    best = (match, term, definition)
            if best is None:
                break
            match, term, definition = best
            used.add(term.lower())
            anchor = f"term-{slugify(term)}"
            uses.append(GlossaryUse(term=term, definition=definition, anchor=anchor))
            out.append(rest[: match.start()])
            out.append(
                f'<a class="term" href="#{anchor}" aria-describedby="{anchor}-def">'
                f"{match.group(1)}</a>"
            )
            rest = rest[match.end() :]
        out.append(rest)
        parts[index] = "".join(out)
    return "".join(parts), uses


VISUAL_TEMPLATES = {
    "figure": "components/_figure.html",
    "icon-array": "components/_icon_array.html",
    "option-grid": "components/_option_grid.html",
}


def _draw(block: visuals.Block, index: int) -> str:
    """A picture or table block drawn by its template (values escaped there);
    a block that cannot be drawn says why, for the editor's preview."""
    try:
        value = visuals.parse(block)
    except visuals.VisualError as exc:
        return format_html('<p class="visual-error">{}</p>', exc)
    context = {"visual": value, "id": f"visual-{index + 1}"}
    if isinstance(value, visuals.Figure):
        context["src"] = _static_url(value.path)
    return render_to_string(VISUAL_TEMPLATES[block.kind], context)


def _static_url(path: str) -> str:
    """The file's hashed address; its plain address when the collected files
    do not list it yet, so a lesson never fails for want of a picture."""
    try:
        return static(path)
    except ValueError:
        return settings.STATIC_URL + path


def _markdown_with_placeholders(text: str) -> tuple[str, list[visuals.Block]]:
    body, blocks = visuals.extract(text)
    raw = markdown.markdown(body, extensions=["sane_lists"], output_format="html")
    return _add_heading_ids(sanitize(raw)), blocks


def _with_visuals(safe_html: str, blocks: list[visuals.Block]) -> SafeString:
    if not blocks:
        return mark_safe(safe_html)  # noqa: S308 - sanitised by nh3
    drawn = visuals.replace_placeholders(
        safe_html, lambda i: _draw(blocks[i], i) if i < len(blocks) else ""
    )
    return mark_safe(drawn)  # noqa: S308 - sanitised by nh3; blocks escaped by their templates


def render_markdown(text: str) -> SafeString:
    return _with_visuals(*_markdown_with_placeholders(text))


def render_lesson(text: str, glossary: Iterable[tuple[str, str]] = ()) -> RenderedLesson:
    """A lesson body with heading ids and its glossary terms linked; pictures
    and tables are drawn after the terms are linked, so no link lands inside one."""
    body, blocks = _markdown_with_placeholders(text)
    body, uses = _mark_glossary_terms(body, glossary)
    return RenderedLesson(
        html=_with_visuals(body, blocks), terms=tuple(uses), has_visuals=bool(blocks)
    )


_BLOCK = re.compile(r"<(p|li|h[1-6]|blockquote|td|th)\b[^>]*>(.*?)</\1>", re.S)


def block_texts(text: str) -> list[str]:
    """The plain text of each paragraph, list item and heading of a Markdown
    text, for reading-level checks; a picture or table counts with the words
    a patient reads in it (caption, alt text, cells)."""
    body, visual_blocks = visuals.extract(text)
    raw = sanitize(markdown.markdown(body, output_format="html"))
    blocks = []
    for _tag, inner in _BLOCK.findall(raw):
        if re.search(r"<(p|li|ul|ol)\b", inner):
            continue  # a container: its children are listed on their own
        plain = re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", inner))).strip()
        index = visuals.placeholder_index(plain)
        if index is not None and index < len(visual_blocks):
            blocks.extend(visuals.block_texts(visual_blocks[index]))
        elif plain:
            blocks.append(plain)
    return blocks
