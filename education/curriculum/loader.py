"""Load the shipped curriculum (YAML files in this folder) into the database.

Idempotent: content is matched by slug (questions and choices by position),
updated in place, and published through ``content_publish``, so a version
goes up only when what patients see changed. A file that has not changed
since it was last loaded is skipped, so edits made in the admin survive
``make run``; pass ``force=True`` to apply every file again. A lesson whose
text changed is published as a new ``LessonVersion`` approved by "system
(curriculum file)", never edited without a version row.

Nothing a patient answered is deleted: a question, choice or checklist item
that leaves a file is retired.

Optional keys, for editors: a lesson's ``editor_note``, ``checked_on`` (the
date its facts were last checked; none when absent) and ``review_by`` (when
absent, the first load sets it twelve months ahead and later loads keep it);
a source's ``editor_note``. Editor notes are never shown to patients.
"""

from __future__ import annotations

import hashlib
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from education import governance, models, publishing, services
from education.library_versions import library_version_mark_correction, library_version_record
from education.revision import content_revision_bump

CURRICULUM_DIR = Path(__file__).resolve().parent
# The first edition as it was published (58fac79). It holds errors the
# current files correct: the demo loads it before them, on an empty
# database only, so the current files publish as new versions over it.
FIRST_EDITION_DIR = CURRICULUM_DIR / "editions" / "first"
# A lesson whose file gives no review_by is due for review this long after
# its first load.
REVIEW_AFTER_MONTHS = 12
CHANGE_NOTE = "Loaded from the shipped curriculum file."


class CurriculumError(Exception):
    pass


@dataclass
class LoadReport:
    files_loaded: list[str] = field(default_factory=list)
    files_skipped: list[str] = field(default_factory=list)
    versions_bumped: list[str] = field(default_factory=list)


def _set_fields(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _upsert(model, lookup: dict, values: dict):
    # The base manager sees retired rows too, so a returning slug revives its row.
    obj = model._base_manager.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    if _set_fields(obj, values):
        obj.save()
    return obj


def _sync_children(existing: list, wanted: list[dict], create) -> list:
    """Update children by position, create the missing ones, and remove the
    extras: retired when a patient answered them, deleted otherwise."""
    kept = []
    for index, values in enumerate(wanted):
        if index < len(existing):
            child = existing[index]
            if _set_fields(child, values):
                child.save()
        else:
            child = create(values)
        kept.append(child)
    for extra in existing[len(wanted) :]:
        _remove(extra)
    return kept


def _remove(obj) -> None:
    if hasattr(obj, "retired_at") and governance.has_patient_records(obj):
        obj.retired_at = timezone.now()
        obj.save(update_fields=["retired_at"])
    else:
        obj.delete()


def _publish(obj, report: LoadReport):
    if services.content_publish(obj=obj):
        report.versions_bumped.append(f"{obj._meta.model_name}:{getattr(obj, 'slug', obj.pk)}")


def _load_reference_data(data: dict) -> None:
    for row in data.get("therapies", []):
        _upsert(
            models.Therapy,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "regulatory_status": row["regulatory_status"],
                "summary": row.get("summary", ""),
            },
        )
    for row in data.get("glossary", []):
        _upsert(
            models.GlossaryTerm, {"term": row["term"]}, {"definition": row["definition"].strip()}
        )


def _load_pathway(data: dict, report: LoadReport) -> None:
    spec = data.get("checklist")
    checklist = None
    if spec:
        checklist = _upsert(
            models.Checklist,
            {"slug": spec["slug"]},
            {"title": spec["title"], "intro": spec.get("intro", "").strip()},
        )
        for order, item in enumerate(spec["items"]):
            _upsert(
                models.ChecklistItem,
                {"checklist": checklist, "slug": item["slug"]},
                {
                    "order": order,
                    "kind": item["kind"],
                    "text": item["text"].strip(),
                    "help_text": item.get("help", "").strip(),
                    "required": bool(item.get("required", True)),
                    "ok_answer": str(item.get("ok_answer", "yes")),
                    "retired_at": None,
                },
            )
        # Items no longer in the file leave the checklist; answers to them stay.
        models.ChecklistItem.objects.filter(checklist=checklist, clinic__isnull=True).exclude(
            slug__in=[item["slug"] for item in spec["items"]]
        ).update(retired_at=timezone.now())
        _publish(checklist, report)

    spec = data["pathway"]
    pathway = _upsert(
        models.Pathway,
        {"slug": spec["slug"]},
        {
            "title": spec["title"],
            "description": spec.get("description", "").strip(),
            "checklist": checklist,
        },
    )
    for order, slug in enumerate(spec["modules"]):
        module = models.Module.objects.filter(slug=slug).first()
        if module is None:
            raise CurriculumError(f"Pathway {pathway.slug} names an unknown module {slug!r}.")
        _upsert(models.PathwayModule, {"pathway": pathway, "module": module}, {"order": order})
    models.PathwayModule.objects.filter(pathway=pathway).exclude(
        module__slug__in=spec["modules"]
    ).delete()
    _publish(pathway, report)


def _load_module_file(data: dict, report: LoadReport) -> None:
    module = _upsert(
        models.Module,
        {"slug": data["slug"]},
        {
            "title": data["title"],
            "summary": data["summary"].strip(),
            "learning_objectives": "\n".join(data.get("learning_objectives", [])),
            "estimated_minutes": int(data.get("estimated_minutes", 15)),
            # Optional: one question answered in the patient's own words.
            "teach_back": (data.get("teach_back") or "").strip(),
        },
    )
    lessons = _load_lessons(module, data["lessons"], report)
    if data.get("quiz"):
        _load_quiz(module, data["quiz"], lessons, report)
    _publish(module, report)


def _load_lessons(
    module: models.Module, rows: list[dict], report: LoadReport
) -> dict[str, models.Lesson]:
    therapies = {t.slug: t for t in models.Therapy.objects.all()}
    lessons = {}
    for order, row in enumerate(rows):
        therapy_slug = row.get("therapy")
        if therapy_slug and therapy_slug not in therapies:
            raise CurriculumError(
                f"Lesson {row['slug']} names an unknown therapy {therapy_slug!r}."
            )
        lesson = _upsert(
            models.Lesson,
            {"slug": row["slug"]},
            {
                "module": module,
                "order": order,
                "title": row["title"],
                "evidence_label": row["evidence_label"],
                "therapy": therapies.get(therapy_slug) if therapy_slug else None,
                "key_points": "\n".join(row.get("key_points", [])),
                "body": row["body"].strip(),
                "editor_note": str(row.get("editor_note") or "").strip(),
                "facts_checked_on": _date(row, "checked_on"),
            },
        )
        _review_by_set(lesson, row)
        _sync_children(
            list(lesson.sources.order_by("order", "pk")),
            [
                {
                    "order": i,
                    "title": s["title"],
                    "url": s["url"],
                    "editor_note": str(s.get("editor_note") or "").strip(),
                }
                for i, s in enumerate(row.get("sources", []))
            ],
            lambda values, lesson=lesson: models.LessonSource.objects.create(
                lesson=lesson, **values
            ),
        )
        # The same publishing path as an approved draft: a changed lesson gets
        # a new version and its LessonVersion, approved by the curriculum file.
        if publishing.lesson_publish(lesson=lesson, change_note=CHANGE_NOTE, record_library=False):
            report.versions_bumped.append(f"lesson:{lesson.slug}")
        lessons[lesson.slug] = lesson
    return lessons


def _date(row: dict, key: str) -> date | None:
    value = row.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CurriculumError(
            f"Lesson {row['slug']}: {key} must be a date like 2026-11-30, not {value!r}."
        ) from exc


def _review_by_set(lesson: models.Lesson, row: dict) -> None:
    """The file's ``review_by``; without one, a lesson gets a review date
    REVIEW_AFTER from its first load, and keeps the date it has."""
    review_by = _date(row, "review_by")
    if review_by is None:
        if lesson.review_by is not None:
            return
        review_by = _add_months(timezone.localdate(), REVIEW_AFTER_MONTHS)
    if lesson.review_by != review_by:
        lesson.review_by = review_by
        lesson.save(update_fields=["review_by"])


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def _question_values(order: int, row: dict, lessons: dict[str, models.Lesson]) -> dict:
    lesson = lessons.get(row.get("lesson")) if row.get("lesson") else None
    if row.get("lesson") and lesson is None:
        raise CurriculumError(f"A question names an unknown lesson {row['lesson']!r}.")
    return {
        "order": order,
        "kind": row["kind"],
        "objective": (row.get("objective") or "").strip(),
        "prompt": row["prompt"].strip(),
        "explanation": row["explanation"].strip(),
        "lesson": lesson,
        "section": row.get("section") or "",
    }


def _load_quiz(module: models.Module, spec: dict, lessons: dict, report: LoadReport) -> None:
    quiz = _upsert(
        models.Quiz,
        {"module": module},
        {
            "title": spec["title"],
            "pass_mark": int(spec.get("pass_mark", 80)),
            # Optional: objectives (as on their questions) to answer right to pass.
            "must_pass": "\n".join(o.strip() for o in spec.get("must_pass", [])),
        },
    )
    asked = {(row.get("objective") or "").strip() for row in spec["questions"]}
    for objective in spec.get("must_pass", []):
        if objective.strip() not in asked:
            raise CurriculumError(f"No question checks the must-pass objective {objective!r}.")
    questions = _sync_children(
        list(quiz.questions.order_by("order", "pk")),
        [_question_values(order, row, lessons) for order, row in enumerate(spec["questions"])],
        lambda values: models.Question.objects.create(quiz=quiz, **values),
    )
    for question, row in zip(questions, spec["questions"], strict=True):
        _sync_children(
            list(question.choices.order_by("order", "pk")),
            [
                {
                    "order": i,
                    "text": str(c["text"]).strip(),
                    "is_correct": bool(c["correct"]),
                    "feedback": c["feedback"].strip(),
                }
                for i, c in enumerate(row["choices"])
            ],
            lambda values, question=question: models.Choice.objects.create(
                question=question, **values
            ),
        )
    _publish(quiz, report)


def _changed(name: str, raw: bytes, force: bool) -> tuple[bool, str]:
    digest = hashlib.sha256(raw).hexdigest()
    record = models.CurriculumFile.objects.filter(name=name).first()
    return force or record is None or record.sha256 != digest, digest


def curriculum_loaded() -> bool:
    """Whether any curriculum file has been loaded into this database."""
    return models.CurriculumFile.objects.exists()


def load_curriculum(
    *,
    directory: Path = CURRICULUM_DIR,
    force: bool = False,
    only_if_empty: bool = False,
    correction: str = "",
) -> LoadReport:
    """Therapies and glossary first (lessons point to therapies), then each
    module file, then the pathway that lists the modules. With
    ``only_if_empty`` nothing is loaded into a database that already holds a
    curriculum (how the demo loads the first edition once). With ``correction``
    (what the load corrects), the library version it makes is marked as a
    correction every clinic reads, pinned or not."""
    report = LoadReport()
    if only_if_empty and curriculum_loaded():
        return report
    pathway_path = directory / "pathway.yaml"
    module_paths = sorted((directory / "modules").glob("*.yaml"))
    with transaction.atomic():
        pathway_raw = pathway_path.read_bytes()
        pathway_changed, pathway_digest = _changed("pathway.yaml", pathway_raw, force)
        pathway_data = yaml.safe_load(pathway_raw.decode("utf-8"))
        if pathway_changed:
            _load_reference_data(pathway_data)
        for path in module_paths:
            name = path.relative_to(directory).as_posix()
            raw = path.read_bytes()
            changed, digest = _changed(name, raw, force)
            if not changed:
                report.files_skipped.append(name)
                continue
            _load_module_file(yaml.safe_load(raw.decode("utf-8")), report)
            models.CurriculumFile.objects.update_or_create(name=name, defaults={"sha256": digest})
            report.files_loaded.append(name)
        if pathway_changed:
            _load_pathway(pathway_data, report)
            models.CurriculumFile.objects.update_or_create(
                name="pathway.yaml", defaults={"sha256": pathway_digest}
            )
            report.files_loaded.append("pathway.yaml")
        else:
            report.files_skipped.append("pathway.yaml")
        if report.files_loaded:
            # One library version for the whole load, not one a lesson.
            version = library_version_record(change_note=CHANGE_NOTE)
            if version is not None and correction:
                library_version_mark_correction(version=version, note=correction)
            content_revision_bump()  # retirements are bulk updates that send no signal
    return report
