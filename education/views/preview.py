"""Preview drafts as a patient would see them (content editors only)."""

from django.shortcuts import get_object_or_404, render

from accounts.permissions import editor_required
from education.models import GlossaryTerm, Lesson
from education.readability import lesson_readability
from education.rendering import render_lesson


@editor_required
def lesson_preview(request, lesson_id: int):
    lesson = get_object_or_404(
        Lesson.objects.select_related("module", "therapy").prefetch_related("sources"),
        pk=lesson_id,
    )
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
