"""Drafts, review and publishing of quizzes, checklists, modules and
pathways, and of a clinic's own stages and checklist items.

Editing a quiz, checklist, module or pathway that patients may have seen
never changes what they see: the edit is the object's open ``ContentDraft``,
a payload of everything patients see of it (a quiz's questions and their
choices, a checklist's library items, a module's fields and lesson order, a
pathway's stages in order and its checklist, a clinic item's fields), each
row with its id. In the library an editor submits it and
a *different* library editor approves and publishes it; a clinic's own stage
or item is published by that clinic's admin alone. Publishing applies the
payload in one transaction (changed rows updated, new rows created, dropped
rows retired, never deleted; a stage dropped from a pathway loses only its
place in it) and publishes the object as its next version (a
clinic's checklist item has no version number). Each step writes an audit
event (``education.content.draft_saved``, ``.submitted``, ``.withdrawn``,
``.approved``, ``.published``), filed under the clinic for a clinic's own
content.
"""

from __future__ import annotations

import json

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, ProtectedError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from . import governance
from .models import (
    Checklist,
    ChecklistItem,
    Choice,
    ContentDraft,
    Lesson,
    Module,
    Pathway,
    PathwayModule,
    PublishStatus,
    Question,
    Quiz,
    content_clinic_id,
)
from .publishing import draft_submitted_mark, draft_withdrawn_mark, text_diff_html
from .services.content import content_publish
from .services.errors import EducationError

# What patients see of each kind of content and of its rows.
QUIZ_FIELDS = ("title", "pass_mark", "must_pass")
QUESTION_FIELDS = ("order", "kind", "objective", "prompt", "explanation", "lesson_id", "section")
CHOICE_FIELDS = ("order", "text", "is_correct", "feedback")
CHECKLIST_FIELDS = ("title", "intro")
ITEM_FIELDS = ("order", "kind", "slug", "text", "help_text", "required", "ok_answer")
MODULE_FIELDS = ("title", "summary", "learning_objectives", "estimated_minutes", "teach_back")
PATHWAY_FIELDS = ("title", "description", "checklist_id")
STAGE_FIELDS = ("module_id", "order")
# A clinic's own checklist item is drafted on its own (the library's are rows of
# the checklist's draft); taking it out is part of its draft.
CLINIC_ITEM_FIELDS = (*ITEM_FIELDS, "retired_at")
# The library's drafted content (a clinic's items are drafted too, see is_drafted).
DRAFTED_MODELS = (Quiz, Checklist, Module, Pathway)
STAGE_PROTECTED = _lazy("The stage “%(stage)s” cannot leave the pathway: records depend on it.")
DRAFT_DOES_NOT_FIT = _lazy(
    "The draft no longer fits the published content (for example, an item's slug is now "
    "taken). Withdraw it and edit again."
)


def is_drafted(obj) -> bool:
    """Whether edits of ``obj`` are drafts: a library quiz, checklist or
    module, or a clinic's own stage, that patients may have seen; a clinic's
    own checklist item once it exists (it has no draft status: a new item
    shows to the clinic's patients when it is added). Never-published content
    is edited in place."""
    if isinstance(obj, ChecklistItem):
        return obj.clinic_id is not None and obj.pk is not None
    if isinstance(obj, Module):
        return obj.was_published
    if not isinstance(obj, DRAFTED_MODELS) or content_clinic_id(obj) is not None:
        return False
    return obj.was_published


def published_version(obj) -> int | None:
    """The version patients see of ``obj``; None for a clinic's checklist
    item, which has no version number."""
    return getattr(obj, "version", None)


# --- Reading and applying a payload ---------------------------------------


def _questions(quiz: Quiz):
    return Question.all_objects.filter(quiz=quiz)


def _items(checklist: Checklist):
    return ChecklistItem.all_objects.filter(checklist=checklist, clinic__isnull=True)


def _stages(pathway: Pathway):
    return PathwayModule.objects.filter(pathway=pathway).order_by("order", "pk")


def known_pks(obj) -> dict[str, set[int]]:
    """The ids of the rows ``obj`` has now (retired ones too): a row of a
    payload read later whose id is not here is new in the draft."""
    if isinstance(obj, Quiz):
        return {
            "questions": set(_questions(obj).values_list("pk", flat=True)),
            "choices": set(
                Choice.all_objects.filter(question__quiz=obj).values_list("pk", flat=True)
            ),
        }
    if isinstance(obj, Checklist):
        return {"items": set(_items(obj).values_list("pk", flat=True))}
    if isinstance(obj, Pathway):
        return {"stages": set(_stages(obj).values_list("pk", flat=True))}
    return {}


def _row(row_obj, fields, known: set[int] | None) -> dict:
    row = {name: getattr(row_obj, name) for name in fields}
    row["pk"] = row_obj.pk
    row["new"] = known is not None and row_obj.pk not in known
    return row


def content_payload_read(obj, *, known: dict[str, set[int]] | None = None) -> dict:
    """Everything patients see of ``obj`` as it is in the database now: its
    fields and its live rows in order, with their ids. With ``known`` (from
    ``known_pks`` taken earlier), rows added since are marked new."""
    obj = type(obj)._base_manager.get(pk=obj.pk)
    known = known or {}
    if isinstance(obj, ChecklistItem):
        fields = {name: getattr(obj, name) for name in CLINIC_ITEM_FIELDS}
        if obj.retired_at is not None:
            # To the second, as the admin's form shows it: a form saved unchanged is no edit.
            fields["retired_at"] = obj.retired_at.replace(microsecond=0)
        return {"fields": fields}
    if isinstance(obj, Quiz):
        questions = Question.objects.filter(quiz=obj).prefetch_related("choices")
        return {
            "fields": {name: getattr(obj, name) for name in QUIZ_FIELDS},
            "questions": [
                {
                    **_row(question, QUESTION_FIELDS, known.get("questions")),
                    "choices": [
                        _row(choice, CHOICE_FIELDS, known.get("choices"))
                        for choice in question.choices.all()
                    ],
                }
                for question in questions
            ],
        }
    if isinstance(obj, Checklist):
        items = ChecklistItem.objects.filter(checklist=obj, clinic__isnull=True)
        return {
            "fields": {name: getattr(obj, name) for name in CHECKLIST_FIELDS},
            "items": [_row(item, ITEM_FIELDS, known.get("items")) for item in items],
        }
    if isinstance(obj, Module):
        return {
            "fields": {name: getattr(obj, name) for name in MODULE_FIELDS},
            "lessons": [
                {"pk": lesson.pk, "order": lesson.order}
                for lesson in obj.lessons.order_by("order", "pk")
            ],
        }
    if isinstance(obj, Pathway):
        return {
            "fields": {name: getattr(obj, name) for name in PATHWAY_FIELDS},
            "stages": [_row(row, STAGE_FIELDS, known.get("stages")) for row in _stages(obj)],
        }
    raise TypeError(f"{type(obj).__name__} has no drafts")


def content_payload_json(obj) -> dict:
    """What patients see of ``obj`` now, as a published version keeps it."""
    return _normal(content_payload_read(obj))


def _normal(payload: dict) -> dict:
    """The payload as the database stores it (JSON), to compare; a browser's
    line ends (CR LF) are plain new lines, as curriculum files write them."""

    def clean(value):
        if isinstance(value, str):
            return value.replace("\r\n", "\n")
        if isinstance(value, list):
            return [clean(item) for item in value]
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        return value

    return clean(json.loads(json.dumps(payload, default=str)))


def _set_rows(model, rows, fields, *, existing: dict, parent: dict, keep_new_pks: bool, now):
    """Rows of one kind become ``rows``: existing ones updated where they
    changed, new ones created, the others retired (never deleted). Returns
    each row's saved object, in order."""
    saved = []
    for row in rows:
        obj = None if row.get("new") else existing.get(row["pk"])
        if obj is None:
            obj = model(**parent)
            if keep_new_pks and not model.all_objects.filter(pk=row["pk"]).exists():
                obj.pk = row["pk"]  # the draft's id for it, so an open form still matches
        changed = obj.pk is None or obj._state.adding or obj.retired_at is not None
        for name in fields:
            if getattr(obj, name) != row[name]:
                setattr(obj, name, row[name])
                changed = True
        obj.retired_at = None
        if changed:
            obj.save(force_insert=obj._state.adding)
        saved.append(obj)
    kept = {obj.pk for obj in saved}
    for pk, obj in existing.items():
        if pk not in kept and obj.retired_at is None:
            obj.retired_at = now
            obj.save(update_fields=["retired_at"])
    return saved


def payload_apply(obj, payload: dict, *, keep_new_pks: bool = False) -> None:
    """Make ``obj`` and its rows what ``payload`` says. Rows the payload
    dropped are retired, so every answer that points at them stays. With
    ``keep_new_pks`` (an admin form shown over a draft, rolled back after)
    new rows keep the ids the draft gave them."""
    now = timezone.now()
    for name, value in payload["fields"].items():
        if name == "retired_at" and value is not None:
            value = parse_datetime(value)
        setattr(obj, name, value)
    if isinstance(obj, Quiz):
        existing = {q.pk: q for q in _questions(obj)}
        questions = _set_rows(
            Question,
            payload["questions"],
            QUESTION_FIELDS,
            existing=existing,
            parent={"quiz": obj},
            keep_new_pks=keep_new_pks,
            now=now,
        )
        for question, row in zip(questions, payload["questions"], strict=True):
            _set_rows(
                Choice,
                row["choices"],
                CHOICE_FIELDS,
                existing={c.pk: c for c in Choice.all_objects.filter(question=question)},
                parent={"question": question},
                keep_new_pks=keep_new_pks,
                now=now,
            )
    elif isinstance(obj, Checklist):
        _set_rows(
            ChecklistItem,
            payload["items"],
            ITEM_FIELDS,
            existing={i.pk: i for i in _items(obj)},
            parent={"checklist": obj},
            keep_new_pks=keep_new_pks,
            now=now,
        )
    elif isinstance(obj, Pathway):
        _stages_set(obj, payload["stages"], keep_new_pks=keep_new_pks)
    elif isinstance(obj, Module):
        orders = {row["pk"]: row["order"] for row in payload["lessons"]}
        for lesson in Lesson.objects.filter(module=obj, pk__in=orders):
            if lesson.order != orders[lesson.pk]:
                lesson.order = orders[lesson.pk]
                lesson.save(update_fields=["order", "updated_at"])
    obj.save()


def _stages_set(pathway: Pathway, rows, *, keep_new_pks: bool) -> None:
    """The pathway's stages become ``rows``. A stage the draft dropped leaves
    the pathway: its link row is deleted (patients' records point at the
    stage's lessons and quiz, which stay), unless something protects it."""
    existing = {link.pk: link for link in _stages(pathway)}
    kept = {row["pk"] for row in rows if not row.get("new")}
    for pk, link in existing.items():
        if pk in kept:
            continue
        if governance.has_patient_records(link):
            raise EducationError(STAGE_PROTECTED % {"stage": link.module})
        try:
            link.delete()
        except ProtectedError as error:
            raise EducationError(STAGE_PROTECTED % {"stage": link.module}) from error
    for row in rows:
        link = None if row.get("new") else existing.get(row["pk"])
        if link is None:
            link = PathwayModule(pathway=pathway)
            if keep_new_pks and not PathwayModule.objects.filter(pk=row["pk"]).exists():
                link.pk = row["pk"]  # the draft's id for it, so an open form still matches
        if link._state.adding or (link.module_id, link.order) != (row["module_id"], row["order"]):
            link.module_id, link.order = row["module_id"], row["order"]
            link.save(force_insert=link._state.adding)


# --- Drafts ---------------------------------------------------------------


def content_open_draft(obj, *, lock: bool = False) -> ContentDraft | None:
    drafts = ContentDraft.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        state__in=ContentDraft.OPEN_STATES,
    )
    if lock:
        drafts = drafts.select_for_update()
    return drafts.first()


def open_draft_exists(model) -> Exists:
    """Whether the row of ``model`` an outer queryset is on has an open draft
    (to annotate a list of stages or checklist items)."""
    return Exists(
        ContentDraft.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
            state__in=ContentDraft.OPEN_STATES,
        )
    )


def draft_with_new_question(pk: int) -> ContentDraft | None:
    """The open quiz draft that adds the question with id ``pk`` (a question
    that exists only in a draft)."""
    drafts = ContentDraft.objects.filter(
        content_type=ContentType.objects.get_for_model(Quiz),
        state__in=ContentDraft.OPEN_STATES,
    )
    for draft in drafts:
        if any(q["new"] and q["pk"] == pk for q in draft.payload.get("questions", [])):
            return draft
    return None


def _audit(action: str, *, obj, actor, request, **extra) -> None:
    # Named by the concrete model, as the draft is (a clinic admin edits proxies).
    extra.setdefault("model", obj._meta.concrete_model._meta.label_lower)
    governance.content_audit(action=action, obj=obj, actor=actor, request=request, **extra)


@transaction.atomic
def content_draft_save(
    *, obj, payload: dict, change_note: str, actor, request=None
) -> ContentDraft | None:
    """Save an edit of a published quiz, checklist or module as its open
    draft (made when needed). Saving a submitted draft sends it back to
    draft. Returns None when there is no open draft and nothing differs from
    what patients see."""
    payload = _normal(payload)
    draft = content_open_draft(obj, lock=True)
    if draft is None:
        if payload == _normal(content_payload_read(obj)):
            return None
        draft = ContentDraft(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            clinic_id=content_clinic_id(obj),
        )
    elif (draft.payload, draft.change_note) == (payload, change_note):
        return draft
    draft.payload = payload
    fields = payload["fields"]
    draft.title = str(fields["title"] if "title" in fields else fields["text"])[:200]
    draft.change_note = change_note
    draft.edited_by = actor
    draft.state = ContentDraft.State.DRAFT
    draft.submitted_at = None
    draft.save()
    _audit("draft_saved", obj=obj, actor=actor, request=request, draft=draft.pk)
    return draft


@transaction.atomic
def content_draft_submit(*, draft: ContentDraft, actor, request=None) -> None:
    draft_submitted_mark(draft)
    _audit("submitted", obj=draft.content_object, actor=actor, request=request, draft=draft.pk)


@transaction.atomic
def content_draft_withdraw(*, draft: ContentDraft, actor, request=None) -> None:
    draft_withdrawn_mark(draft)
    _audit("withdrawn", obj=draft.content_object, actor=actor, request=request, draft=draft.pk)


def _approval_check(draft: ContentDraft, obj, actor) -> None:
    """Library content needs two people (the approver is a library editor
    other than the draft's last editor); a clinic's own content is published
    by that clinic's admin alone."""
    if content_clinic_id(obj) is not None:
        if not governance.may_publish(actor, obj):
            raise EducationError(_("Only this clinic's admin may publish its own content."))
        if not draft.is_open:
            raise EducationError(_("Only an open draft can be published."))
        return
    if not governance.may_edit_library(actor):
        raise EducationError(_("Only a library editor may approve library content."))
    if draft.state != ContentDraft.State.SUBMITTED:
        raise EducationError(_("Submit the draft for review before it is published."))
    if draft.edited_by_id == actor.pk:
        raise EducationError(
            _("A different library editor must approve this draft: you edited it last.")
        )


def payload_problems(obj, payload: dict) -> list[str]:
    """What stops a quiz draft from being published: each question needs two
    choices or more, a correct one, and only one if it is single choice or
    true or false. A pathway needs a stage, each a library stage that is not
    retired."""
    if isinstance(obj, Pathway):
        return _pathway_problems(payload)
    if not isinstance(obj, Quiz):
        return []
    problems = []
    for question in payload["questions"]:
        correct = sum(1 for choice in question["choices"] if choice["is_correct"])
        values = {"prompt": question["prompt"]}
        if len(question["choices"]) < 2:
            problems.append(_("“%(prompt)s” needs at least two answer choices.") % values)
        if not correct:
            problems.append(_("“%(prompt)s” needs a correct answer.") % values)
        elif correct > 1 and question["kind"] != Question.Kind.MULTIPLE:
            problems.append(_("“%(prompt)s” may have only one correct answer.") % values)
    return problems


def _pathway_problems(payload: dict) -> list[str]:
    if not payload["stages"]:
        return [_("A pathway needs at least one stage.")]
    modules = Module.objects.in_bulk([row["module_id"] for row in payload["stages"]])
    problems = []
    for row in payload["stages"]:
        module = modules.get(row["module_id"])
        if module is None or module.clinic_id is not None:
            problems.append(_("A pathway's stages are the library's stages."))
        elif module.status == PublishStatus.RETIRED:
            problems.append(
                _("“%(stage)s” is retired: take it out of the pathway.") % {"stage": module}
            )
    return problems


@transaction.atomic
def content_draft_publish(*, draft: ContentDraft, actor, request=None) -> int | None:
    """Approve a draft (submitted, in the library) and publish it as the
    object's next version, in one transaction. Returns the new version number
    (None for a clinic's checklist item, which has none)."""
    draft = ContentDraft.objects.select_for_update().get(pk=draft.pk)
    model = draft.content_type.model_class()
    obj = model._base_manager.select_for_update().filter(pk=draft.object_id).first()
    if obj is None:
        raise EducationError(_("The content of this draft no longer exists."))
    _approval_check(draft, obj, actor)
    if getattr(obj, "status", None) == PublishStatus.RETIRED:
        raise EducationError(_("Retired content stays retired: it is not published again."))
    problems = payload_problems(obj, draft.payload)
    if problems:
        raise EducationError(
            _("Not published: %(problems)s") % {"problems": " ".join(problems)},
            errors={"rules": " ".join(problems)},
        )
    _audit("approved", obj=obj, actor=actor, request=request, draft=draft.pk)
    try:
        with transaction.atomic():
            payload_apply(obj, draft.payload)
    except IntegrityError as error:
        raise EducationError(DRAFT_DOES_NOT_FIT) from error
    detail = {"draft": draft.pk, "edited_by": draft.edited_by_id}
    if isinstance(obj, ChecklistItem):
        # No version to move; the event recomputes the clinic's readiness.
        _audit("published", obj=obj, actor=actor, request=request, **detail)
    else:
        content_publish(
            obj=obj,
            actor=actor,
            request=request,
            new_version=True,
            detail=detail,
            change_note=draft.change_note,
            edited_by=draft.edited_by,
        )
    draft.state = ContentDraft.State.PUBLISHED
    draft.published_version = published_version(obj)
    draft.save(update_fields=["state", "published_version", "edited_at"])
    return draft.published_version


# --- What changed -----------------------------------------------------------


def _quiz_text(payload: dict) -> list[str]:
    fields = payload["fields"]
    lesson_ids = {q["lesson_id"] for q in payload["questions"] if q["lesson_id"]}
    lessons = Lesson.objects.in_bulk(lesson_ids)
    kinds = dict(Question.Kind.choices)
    lines = [f"# {fields['title']}", _("Pass mark: %(n)s%%") % {"n": fields["pass_mark"]}]
    objectives = [line.strip() for line in fields["must_pass"].splitlines() if line.strip()]
    if objectives:
        lines.append(_("Must pass:"))
        lines += [f"  - {objective}" for objective in objectives]
    for number, question in enumerate(payload["questions"], start=1):
        lesson = lessons.get(question["lesson_id"])
        lines += [
            "",
            f"## {number}. {question['prompt']} [{kinds.get(question['kind'], question['kind'])}]",
            _("Objective: %(text)s") % {"text": question["objective"] or "—"},
            _("Explanation: %(text)s") % {"text": question["explanation"]},
            _("Taught in: %(lesson)s #%(section)s")
            % {"lesson": lesson.title if lesson else "—", "section": question["section"] or "—"},
        ]
        lines += [
            f"  [{'x' if choice['is_correct'] else ' '}] {choice['text']} — {choice['feedback']}"
            for choice in question["choices"]
        ]
    return lines


def _checklist_text(payload: dict) -> list[str]:
    fields = payload["fields"]
    kinds = dict(ChecklistItem.Kind.choices)
    lines = [f"# {fields['title']}", fields["intro"], ""]
    for item in payload["items"]:
        needs = _("required, no discussion if %(answer)s") % {"answer": item["ok_answer"]}
        lines.append(
            f"- [{kinds.get(item['kind'], item['kind'])}] {item['text']} "
            f"({item['slug']}; {needs if item['required'] else _('optional')})"
        )
        if item["help_text"]:
            lines.append(f"    {item['help_text']}")
    return lines


def _module_text(payload: dict) -> list[str]:
    fields = payload["fields"]
    titles = Lesson.objects.in_bulk([row["pk"] for row in payload["lessons"]])
    lines = [
        f"# {fields['title']}",
        fields["summary"],
        "",
        _("What you'll learn:"),
        fields["learning_objectives"],
        _("Estimated minutes: %(n)s") % {"n": fields["estimated_minutes"]},
        _("Teach-back: %(text)s") % {"text": fields["teach_back"] or "—"},
        "",
        _("Lessons in order:"),
    ]
    rows = sorted(payload["lessons"], key=lambda row: (row["order"], row["pk"]))
    lines += [
        f"  {row['order']}. {titles[row['pk']].title if row['pk'] in titles else row['pk']}"
        for row in rows
    ]
    return lines


def _item_text(payload: dict) -> list[str]:
    fields = payload["fields"]
    kinds = dict(ChecklistItem.Kind.choices)
    needs = _("required, no discussion if %(answer)s") % {"answer": fields["ok_answer"]}
    lines = [
        fields["text"],
        _("Help: %(text)s") % {"text": fields["help_text"] or "—"},
        _("Kind: %(kind)s") % {"kind": kinds.get(fields["kind"], fields["kind"])},
        needs if fields["required"] else _("optional"),
        _("Order: %(n)s") % {"n": fields["order"]},
    ]
    if fields["retired_at"]:
        lines.append(_("Taken out of the checklist (retired)"))
    return lines


def _pathway_text(payload: dict) -> list[str]:
    fields = payload["fields"]
    modules = Module.objects.in_bulk([row["module_id"] for row in payload["stages"]])
    checklist = Checklist.objects.filter(pk=fields["checklist_id"]).first()
    lines = [
        f"# {fields['title']}",
        fields["description"],
        "",
        _("Consent checklist: %(title)s") % {"title": checklist.title if checklist else "—"},
        "",
        _("Stages in order:"),
    ]
    rows = sorted(payload["stages"], key=lambda row: (row["order"], row["pk"]))
    lines += [
        f"  {row['order']}. "
        f"{modules[row['module_id']].title if row['module_id'] in modules else row['module_id']}"
        for row in rows
    ]
    return lines


def payload_text(obj, payload: dict) -> str:
    """What patients see of a payload, as text to compare; ``obj`` is the
    content or its model."""
    model = obj if isinstance(obj, type) else type(obj)
    if issubclass(model, ChecklistItem):
        lines = _item_text(payload)
    elif issubclass(model, Quiz):
        lines = _quiz_text(payload)
    elif issubclass(model, Checklist):
        lines = _checklist_text(payload)
    elif issubclass(model, Pathway):
        lines = _pathway_text(payload)
    else:
        lines = _module_text(payload)
    return "\n".join(lines)


def content_draft_diff_html(obj, draft_payload: dict, published_payload: dict | None = None):
    """The draft against what patients see now, as escaped HTML."""
    if published_payload is None:
        published_payload = content_payload_read(obj)
    version = published_version(obj)
    return text_diff_html(
        payload_text(obj, published_payload),
        payload_text(obj, draft_payload),
        old_name=f"v{version}" if version is not None else _("published"),
        new_name=_("draft"),
    )
