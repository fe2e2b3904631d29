"""The published outline of a pathway for one clinic's patients: the library's
stages (modules with their published lessons and quiz) in the pathway's order,
then the clinic's own published stages, and the checklist's library items then
the clinic's own. The same for every patient of a clinic, so it is kept per
pathway and clinic under the content revision (``education/revision.py``), with
the other reads of published content (a quiz's questions, the glossary, a
lesson's rendered body)."""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass

from django.db.models import F, OuterRef, Prefetch, Q, Subquery

from .. import journey, models, readiness, revision
from ..rendering import RenderedLesson, render_lesson


@dataclass
class Stage:
    number: int
    module: models.Module
    lessons: list[models.Lesson]
    quiz: models.Quiz | None
    state: readiness.StageState = readiness.StageState.LOCKED

    @property
    def is_open(self) -> bool:
        return journey.stage_is_open(self)


@dataclass
class Outline:
    pathway: models.Pathway
    stages: list[Stage]
    checklist_items: list[models.ChecklistItem]

    def spec(self) -> readiness.PathwaySpec:
        """The rules' view of the outline; built once (an outline is kept per
        process and never changed)."""
        return self._spec

    @functools.cached_property
    def _spec(self) -> readiness.PathwaySpec:
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


# Published content read by every patient page (an outline, a quiz's
# questions, the glossary, a rendered lesson) is kept in the process, not in
# the shared cache: unpickling it on every request (an outline is about 200
# model instances; a quiz's questions carry their lessons) cost more than
# building it once per process and content revision. Keys carry the revision,
# so nothing kept is ever stale; the store is emptied when it is full, which
# lets the entries of old revisions go. Callers must not change what they get.
_kept: dict[str, object] = {}
KEPT_MAX = 512


def _kept_or_build(key: str, build):
    value = _kept.get(key)
    if value is None:
        value = build()
        if len(_kept) >= KEPT_MAX:
            _kept.clear()
        _kept[key] = value
    return value


def pathway_outline(pathway: models.Pathway, clinic_id: int | None = None) -> Outline:
    """The published stages of a pathway, in order, for the patients of
    ``clinic_id`` (None: the library alone). The outline is the same for every
    patient of a clinic, so it is kept per pathway and clinic under the
    pathway's content revision (read with the pathway, so a kept outline costs
    no query); six queries to build, whatever the pathway's size (seven when
    the clinic pinned a library version whose lessons changed since)."""
    key = revision.cache_key(
        "outline", pathway.pk, clinic_id or 0, revision=pathway.content_revision
    )
    return _kept_or_build(key, lambda: _pathway_outline_build(pathway, clinic_id))


def _pathway_outline_build(pathway: models.Pathway, clinic_id: int | None) -> Outline:
    published_lessons = Prefetch(
        "lessons",
        queryset=models.Lesson.objects.filter(status=models.PublishStatus.PUBLISHED)
        .select_related("therapy")
        .prefetch_related(Prefetch("sources", models.LessonSource.objects.order_by("order", "pk")))
        .order_by("order", "pk"),
        to_attr="published_lessons",
    )
    links = models.PathwayModule.objects.filter(pathway=pathway)
    library = Q(clinic__isnull=True, pk__in=links.values("module_id"))
    own = Q(clinic_id=clinic_id) if clinic_id else Q(pk__in=[])
    modules = (
        models.Module.objects.filter(library | own, status=models.PublishStatus.PUBLISHED)
        .annotate(stage_order=Subquery(links.filter(module=OuterRef("pk")).values("order")[:1]))
        .select_related("quiz")
        .prefetch_related(published_lessons)
        # The library's stages in the pathway's order, then the clinic's own.
        .order_by(F("stage_order").asc(nulls_last=True), "pk")
    )
    modules = list(modules)
    pinned = clinic_library_version(clinic_id)
    if pinned is not None:
        _library_lessons_pin(modules, pinned)
        # A library stage whose lessons all came after the pinned version.
        modules = [m for m in modules if m.clinic_id is not None or m.published_lessons]
    stages = []
    for number, module in enumerate(modules, start=1):
        quiz = getattr(module, "quiz", None)
        if quiz is not None and quiz.status != models.PublishStatus.PUBLISHED:
            quiz = None
        stages.append(
            Stage(number=number, module=module, lessons=module.published_lessons, quiz=quiz)
        )
    items = []
    if pathway.checklist_id:
        items = list(
            models.ChecklistItem.objects.filter(
                Q(clinic__isnull=True) | Q(clinic_id=clinic_id) if clinic_id else Q(clinic=None),
                checklist_id=pathway.checklist_id,
                checklist__status=models.PublishStatus.PUBLISHED,
            ).order_by(F("clinic_id").asc(nulls_first=True), "order", "pk")
        )
    return Outline(pathway=pathway, stages=stages, checklist_items=items)


def clinic_library_version(clinic_id: int | None) -> models.LibraryVersion | None:
    """The library version a clinic's patients read: the one it pinned, or
    the newest correction when that is newer (a pin never keeps a corrected
    fact); None when it follows the latest."""
    if not clinic_id:
        return None
    choice = (
        models.ClinicLibrary.objects.filter(clinic_id=clinic_id, version__isnull=False)
        .select_related("version")
        .first()
    )
    return choice.version_read(models.library_version_floor()) if choice else None


def _library_lessons_pin(modules: list[models.Module], pinned: models.LibraryVersion) -> None:
    """The library lessons of a clinic pinned to a library version, as that
    version published them: a lesson published later is left out, and one
    changed since is read from its immutable ``LessonVersion`` (one query)."""
    wanted = {}
    for module in modules:
        if module.clinic_id is not None:
            continue
        kept = []
        for lesson in module.published_lessons:
            version = pinned.lesson_version(lesson.pk)
            if version is None:
                continue
            kept.append(lesson)
            if version != lesson.version:
                wanted[lesson.pk] = version
        module.published_lessons = kept
    if not wanted:
        return
    rows = models.LessonVersion.objects.filter(
        Q.create([Q(lesson_id=pk, version=v) for pk, v in wanted.items()], connector=Q.OR)
    ).select_related("therapy")
    as_of = {row.lesson_id: row for row in rows}
    for module in modules:
        module.published_lessons = [
            _lesson_as_of(lesson, as_of[lesson.pk]) if lesson.pk in as_of else lesson
            for lesson in module.published_lessons
        ]


def _lesson_as_of(lesson: models.Lesson, version: models.LessonVersion) -> models.Lesson:
    """A copy of ``lesson`` holding what ``version`` published (never saved)."""
    pinned = copy.copy(lesson)
    pinned._state = copy.copy(lesson._state)
    pinned._state.fields_cache = dict(lesson._state.fields_cache)
    for name in ("title", "evidence_label", "key_points", "body", "content_hash"):
        setattr(pinned, name, getattr(version, name))
    pinned.therapy = version.therapy
    pinned.version = version.version
    pinned.published_at = version.published_at
    sources = models.LessonSource.objects.filter(lesson_id=lesson.pk).order_by("order", "pk")
    sources._result_cache = [
        models.LessonSource(lesson_id=lesson.pk, order=i, title=title, url=url)
        for i, (title, url) in enumerate(version.source_rows)
    ]
    sources._prefetch_done = True
    pinned._prefetched_objects_cache = {**lesson._prefetched_objects_cache, "sources": sources}
    return pinned


def quiz_questions(
    quiz: models.Quiz, *, content_revision: str | None = None
) -> list[models.Question]:
    """A quiz's questions with their choices; kept when the caller names the
    content revision it read (patient pages), read fresh otherwise."""
    if content_revision is None:
        return _quiz_questions_build(quiz)
    key = revision.cache_key("quiz", quiz.pk, quiz.version, revision=content_revision)
    return _kept_or_build(key, lambda: _quiz_questions_build(quiz))


def _quiz_questions_build(quiz: models.Quiz) -> list[models.Question]:
    return list(
        quiz.questions.select_related("lesson", "lesson__module")
        .prefetch_related("choices")
        .order_by("order", "pk")
    )


def glossary_pairs(*, content_revision: str | None = None) -> list[tuple[str, str]]:
    """Every glossary term with its definition: one query, or none when the
    caller names the content revision it read."""
    if content_revision is None:
        return _glossary_pairs_build()
    key = revision.cache_key("glossary", revision=content_revision)
    return _kept_or_build(key, _glossary_pairs_build)


def _glossary_pairs_build() -> list[tuple[str, str]]:
    return list(models.GlossaryTerm.objects.order_by("term").values_list("term", "definition"))


def lesson_rendered(lesson: models.Lesson, *, content_revision: str) -> RenderedLesson:
    """A published lesson's body as HTML with its glossary terms: rendered once
    per content revision and process, not on every page view."""
    key = revision.cache_key("lesson", lesson.pk, lesson.version, revision=content_revision)
    return _kept_or_build(
        key,
        lambda: render_lesson(lesson.body, glossary_pairs(content_revision=content_revision)),
    )


def published_pathways():
    """The pathways a patient can be invited onto, by title."""
    return models.Pathway.objects.filter(status=models.PublishStatus.PUBLISHED).order_by("title")
