"""The one way content Markdown becomes HTML: render, then sanitise with an
allow-list, then add heading ids and glossary definitions."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

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


def render_markdown(text: str) -> SafeString:
    raw = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(_add_heading_ids(sanitize(raw)))  # noqa: S308 - sanitised by nh3


def render_lesson(text: str, glossary: Iterable[tuple[str, str]] = ()) -> RenderedLesson:
    """A lesson body with heading ids and its glossary terms linked."""
    body, uses = _mark_glossary_terms(render_markdown(text), glossary)
    return RenderedLesson(html=mark_safe(body), terms=tuple(uses))  # noqa: S308


_BLOCK = re.compile(r"<(p|li|h[1-6]|blockquote|td|th)\b[^>]*>(.*?)</\1>", re.S)


def block_texts(text: str) -> list[str]:
    """The plain text of each paragraph, list item and heading of a Markdown
    text, for reading-level checks."""
    raw = sanitize(markdown.markdown(text or "", output_format="html"))
    blocks = []
    for _tag, inner in _BLOCK.findall(raw):
        if re.search(r"<(p|li|ul|ol)\b", inner):
            continue  # a container: its children are listed on their own
        plain = re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", inner))).strip()
        if plain:
            blocks.append(plain)
    return blocks
