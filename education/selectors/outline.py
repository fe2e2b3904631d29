"""The published outline of a pathway for one clinic's patients: the library's
stages (modules with their published lessons and quiz) in the pathway's order,
then the clinic's own published stages, and the checklist's library items then
the clinic's own. The same for every patient of a clinic, so it is cached per
pathway and clinic, keyed by a one-query fingerprint of the content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, Subquery, Value

from .. import journey, readiness
from ..models import (
    Checklist,
    ChecklistItem,
    GlossaryTerm,
    Lesson,
    Module,
    Pathway,
    PathwayModule,
    PublishStatus,
    Question,
    Quiz,
)


@dataclass
class Stage:
    number: int
    module: Module
    lessons: list[Lesson]
    quiz: Quiz | None
    state: readiness.StageState = readiness.StageState.LOCKED

    @property
    def is_open(self) -> bool:
        return journey.stage_is_open(self)


@dataclass
class Outline:
    pathway: Pathway
    stages: list[Stage]
    checklist_items: list[ChecklistItem]

    def spec(self) -> readiness.PathwaySpec:
        return readiness.PathwaySpec(
            modules=tuple(
                readiness.ModuleSpec(
                    id=s.module.pk,
                    title=s.module.title,
                    lesson_ids=tuple(lesson.pk for lesson in s.lessons),
                    quiz_id=s.quiz.pk if s.quiz else None,
                    quiz_title=s.quiz.title if s.quiz else "",
                    must_pass=tuple(s.quiz.must_pass_objectives()) if s.quiz else (),
                    teach_back=bool(s.module.teach_back.strip()),
                )
                for s in self.stages
            ),
            checklist_items=tuple(
                readiness.ItemSpec(id=i.pk, text=i.text, required=i.required, ok_answer=i.ok_answer)
                for i in self.checklist_items
            ),
        )

    def stage_for_module(self, module_id: int) -> Stage | None:
        return next((s for s in self.stages if s.module.pk == module_id), None)


OUTLINE_CACHE_SECONDS = 60 * 60


def content_stamp(pathway: Pathway) -> str:
    """What an outline shows, fingerprinted in one query: every edit or publish
    of a pathway, module, lesson, quiz, checklist or checklist item (and of
    their inline children, saved with them) moves its ``updated_at``; a
    deletion changes a count."""

    def summary(model, aggregate):
        return Subquery(
            model.objects.order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(value=aggregate)
            .values("value")[:1]
        )

    columns = {}
    for model in (Module, Lesson, Quiz, Checklist, ChecklistItem):
        name = model._meta.model_name
        columns[f"stamp_{name}_newest"] = summary(model, Max("updated_at"))
        columns[f"stamp_{name}_count"] = summary(model, Count("pk"))
    row = (
        Pathway.objects.filter(pk=pathway.pk)
        .annotate(**columns)
        .values_list("updated_at", *columns)
        .first()
    )
    return hashlib.sha256("|".join(map(str, row or ())).encode()).hexdigest()[:16]


def pathway_outline(pathway: Pathway, clinic_id: int | None = None) -> Outline:
    """The published stages of a pathway, in order, for the patients of
    ``clinic_id`` (None: the library alone). The outline is the same for every
    patient of a clinic, so it is cached per pathway and clinic, keyed by the
    content's last change: one query when cached, four when not, whatever the
    pathway's size."""
    key = f"education:outline:{pathway.pk}:{clinic_id or 0}:{content_stamp(pathway)}"
    outline = cache.get(key)
    if outline is None:
        outline = _pathway_outline_build(pathway, clinic_id)
        cache.set(key, outline, OUTLINE_CACHE_SECONDS)
    return outline


def _pathway_outline_build(pathway: Pathway, clinic_id: int | None) -> Outline:
    published_lessons = Prefetch(
        "lessons",
        queryset=Lesson.objects.filter(status=PublishStatus.PUBLISHED)
        .select_related("therapy")
        .order_by("order", "pk"),
        to_attr="published_lessons",
    )
    links = PathwayModule.objects.filter(pathway=pathway)
    library = Q(clinic__isnull=True, pk__in=links.values("module_id"))
    own = Q(clinic_id=clinic_id) if clinic_id else Q(pk__in=[])
    modules = (
        Module.objects.filter(library | own, status=PublishStatus.PUBLISHED)
        .annotate(stage_order=Subquery(links.filter(module=OuterRef("pk")).values("order")[:1]))
        .select_related("quiz")
        .prefetch_related(published_lessons)
        # The library's stages in the pathway's order, then the clinic's own.
        .order_by(F("stage_order").asc(nulls_last=True), "pk")
    )
    stages = []
    for number, module in enumerate(modules, start=1):
        quiz = getattr(module, "quiz", None)
        if quiz is not None and quiz.status != PublishStatus.PUBLISHED:
            quiz = None
        stages.append(
            Stage(number=number, module=module, lessons=module.published_lessons, quiz=quiz)
        )
    items = []
    if pathway.checklist_id:
        items = list(
            ChecklistItem.objects.filter(
                Q(clinic__isnull=True) | Q(clinic_id=clinic_id) if clinic_id else Q(clinic=None),
                checklist_id=pathway.checklist_id,
                checklist__status=PublishStatus.PUBLISHED,
            ).order_by(F("clinic_id").asc(nulls_first=True), "order", "pk")
        )
    return Outline(pathway=pathway, stages=stages, checklist_items=items)


def quiz_questions(quiz: Quiz) -> list[Question]:
    return list(
        quiz.questions.select_related("lesson", "lesson__module")
        .prefetch_related("choices")
        .order_by("order", "pk")
    )


def glossary_pairs() -> list[tuple[str, str]]:
    """Every glossary term with its definition: one query."""
    return list(GlossaryTerm.objects.order_by("term").values_list("term", "definition"))


def published_pathways():
    """The pathways a patient can be invited onto, by title."""
    return Pathway.objects.filter(status=PublishStatus.PUBLISHED).order_by("title")
