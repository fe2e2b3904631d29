"""Preview content as a patient would see it (content editors only): a
lesson as it stands, a lesson draft, or any published version."""

from types import SimpleNamespace

from django.shortcuts import render

from accounts.permissions import editor_required
from education import access, publishing
from education.models import GlossaryTerm
from education.readability import lesson_readability, measure
from education.rendering import render_lesson

TEMPLATE = "education/preview/lesson.html"


def _glossary():
    return GlossaryTerm.objects.values_list("term", "definition")


@editor_required
def lesson_preview(request, lesson_id: int):
    lesson = access.get_lesson_for_editor(request.user, lesson_id)
    return render(
        request,
        TEMPLATE,
        {
            "lesson": lesson,
            "content": lesson,
            "sources": list(lesson.sources.all()),
            "rendered": render_lesson(lesson.body, _glossary()),
            "readability": lesson_readability(lesson),
        },
    )


def render_content_preview(request, *, lesson, content, note: str):
    """A draft or a published version, rendered as the patient's lesson is
    (the caller checks who may see it)."""
    grade, longest, _words = measure(content.body, content.key_points)
    readability = SimpleNamespace(
        grade=grade,
        longest_sentence=longest,
        warnings=publishing.content_rule_problems(content),
    )
    return render(
        request,
        TEMPLATE,
        {
            "lesson": lesson,
            "content": content,
            "note": note,
            "sources": [
                SimpleNamespace(title=title, url=url) for title, url in content.source_rows
            ],
            "rendered": render_lesson(content.body, _glossary()),
            "readability": readability,
        },
    )
