"""Preview drafts as a patient would see them (content editors only)."""

from django.shortcuts import render

from accounts.permissions import editor_required
from education import access
from education.models import GlossaryTerm
from education.readability import lesson_readability
from education.rendering import render_lesson


@editor_required
def lesson_preview(request, lesson_id: int):
    lesson = access.get_lesson_for_editor(lesson_id)
    glossary = GlossaryTerm.objects.values_list("term", "definition")
    return render(
        request,
        "education/preview/lesson.html",
        {
            "lesson": lesson,
            "rendered": render_lesson(lesson.body, glossary),
            "readability": lesson_readability(lesson),
        },
    )
