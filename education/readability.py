"""Reading-level checks for lessons (Flesch-Kincaid grade via textstat)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import textstat
from django.utils.translation import gettext as _

from .rendering import block_texts, render_markdown

MAX_GRADE = 8
MAX_SENTENCE_WORDS = 25
UNKNOWNS_HEADING = "what-we-dont-know-yet"

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


@dataclass(frozen=True)
class Readability:
    grade: float
    longest_sentence: int
    words: int
    warnings: tuple[str, ...]


def _sentences(blocks: list[str]) -> list[str]:
    sentences = []
    for block in blocks:
        sentences.extend(s for s in _SENTENCE_END.split(block) if s.strip())
    return sentences


def measure(body: str, key_points: str = "") -> tuple[float, int, int]:
    """(grade, longest sentence in words, words in the body)."""
    blocks = block_texts(body) + [line.strip() for line in key_points.splitlines() if line.strip()]
    # Headings and list items count as sentences of their own.
    text = " ".join(b if b[-1] in ".!?:" else f"{b}." for b in blocks if b)
    grade = round(textstat.flesch_kincaid_grade(text), 1) if text else 0.0
    longest = max((len(_WORD.findall(s)) for s in _sentences(blocks)), default=0)
    words = sum(len(_WORD.findall(b)) for b in block_texts(body))
    return grade, longest, words


def lesson_readability(lesson) -> Readability:
    grade, longest, words = measure(lesson.body, lesson.key_points)
    warnings = []
    if grade > MAX_GRADE:
        warnings.append(
            _("Reading grade %(grade)s is above %(max)s: use shorter words and sentences.")
            % {"grade": grade, "max": MAX_GRADE}
        )
    if longest > MAX_SENTENCE_WORDS:
        warnings.append(
            _("A sentence has %(n)s words; keep each under %(max)s.")
            % {"n": longest, "max": MAX_SENTENCE_WORDS}
        )
    if lesson.therapy_id and UNKNOWNS_HEADING not in heading_ids(lesson.body):
        warnings.append(_("A lesson about a therapy needs a “What we don't know yet” section."))
    if lesson.pk and not lesson.sources.all():
        warnings.append(_("Add at least one source."))
    return Readability(grade=grade, longest_sentence=longest, words=words, warnings=tuple(warnings))


def heading_ids(body: str) -> set[str]:
    return set(re.findall(r'<h[2-4] id="([^"]+)"', str(render_markdown(body))))
