"""A draft whose picture or table cannot be drawn is not published; one that
can is published, and patients see it drawn."""

import pytest

from education import publishing
from education.services import EducationError
from tests.education.test_governance_drafts import lesson  # noqa: F401 - a fixture

GOOD = (
    "\n\n::: icon-array\ntitle: Moderate regrowth\npeople: women on minoxidil 2%\n"
    "outcome: said they had moderate regrowth\nlabel: Minoxidil 2%\ntreated: 20\nplacebo: 7\n:::\n"
)


def draft_with(lesson, body, editor):  # noqa: F811 - the fixture's value
    values = {name: getattr(lesson, name) for name in publishing.DRAFT_FIELDS}
    values["body"] = body
    draft = publishing.lesson_draft_save(
        lesson=lesson,
        values=values,
        sources=publishing.lesson_sources_text(lesson),
        change_note="",
        actor=editor,
    )
    publishing.lesson_draft_submit(draft=draft, actor=editor)
    return draft


def test_a_picture_that_cannot_be_drawn_stops_publishing(library_editor, reviewer, lesson):  # noqa: F811
    body = lesson.body + GOOD.replace("treated: 20", "treated: 120")
    draft = draft_with(lesson, body, library_editor)
    with pytest.raises(EducationError, match="a whole number from 0 to 100"):
        publishing.lesson_draft_publish(draft=draft, actor=reviewer)
    lesson.refresh_from_db()
    assert lesson.version == 1


def test_a_picture_that_can_be_drawn_is_published(library_editor, reviewer, lesson):  # noqa: F811
    draft = draft_with(lesson, lesson.body + GOOD, library_editor)
    publishing.lesson_draft_publish(draft=draft, actor=reviewer)
    lesson.refresh_from_db()
    assert lesson.version == 2 and "::: icon-array" in lesson.body
