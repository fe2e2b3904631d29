"""Helpers shared by the education tests: content lookups, progress steps,
and the page's markup with layout whitespace squashed."""

import re

from education import services
from education.models import Enrollment


def stages(pathway):
    return [link.module for link in pathway.pathway_modules.order_by("order")]


def lessons(module):
    return list(module.lessons.order_by("order"))


def enrollment_of(patient):
    return Enrollment.objects.select_related("pathway", "patient", "clinic").get(patient=patient)


def read_stage(patient, module):
    for lesson in lessons(module):
        services.lesson_complete(enrollment=enrollment_of(patient), lesson=lesson)


def squash(html: str) -> str:
    """HTML with whitespace runs collapsed and none beside tags: markup, not layout."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", html))


def page(response) -> str:
    return squash(response.content.decode())


def main(response) -> str:
    html = page(response)
    return html[html.index("<main") : html.index("</main>")]
