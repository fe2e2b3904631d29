"""Readiness rules: plain data in, a Readiness out. No database access.

A pathway is ready for the consent discussion when every module is completed
(all its lessons read, its quiz passed with its must-pass objectives answered
right) and its teach-back written, every required checklist item is
answered with the answer that needs no discussion (or its flag was discussed
with a clinician), the decision check (SURE) is answered, and no flag is
open. Stages unlock in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class Status(StrEnum):
    # The same values as education.models.ReadinessStatus.
    NEEDS_DISCUSSION = "1_needs_discussion"
    NOT_STARTED = "2_not_started"
    IN_PROGRESS = "3_in_progress"
    READY = "4_ready"


class StageState(StrEnum):
    LOCKED = "locked"
    AVAILABLE = "available"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


@dataclass(frozen=True)
class ModuleSpec:
    id: int
    title: str
    lesson_ids: tuple[int, ...]
    quiz_id: int | None = None
    quiz_title: str = ""
    # Objectives the patient must answer right in some attempt of the quiz.
    must_pass: tuple[str, ...] = ()
    # The stage ends with a teach-back in the patient's own words.
    teach_back: bool = False


@dataclass(frozen=True)
class ItemSpec:
    id: int
    text: str
    required: bool
    ok_answer: str


@dataclass(frozen=True)
class PathwaySpec:
    modules: tuple[ModuleSpec, ...]
    checklist_items: tuple[ItemSpec, ...] = ()


@dataclass(frozen=True)
class Progress:
    lessons_read: frozenset[int] = frozenset()
    quizzes_attempted: frozenset[int] = frozenset()
    quizzes_passed: frozenset[int] = frozenset()
    # item id -> "yes" / "no" / "not_sure"
    checklist_answers: dict[int, str] = field(default_factory=dict)
    open_flag_item_ids: frozenset[int] = frozenset()
    discussed_flag_item_ids: frozenset[int] = frozenset()
    # (quiz id, objective) answered right in some attempt.
    objectives_shown: frozenset[tuple[int, str]] = frozenset()
    # Module ids with a teach-back answer written.
    teach_backs: frozenset[int] = frozenset()
    # The pathway asks the decision check (SURE) before the consultation, and
    # whether it has been answered (whatever the answers: a "no" is a flag for
    # the clinician, not a reason to hold the patient back).
    decision_check_asked: bool = False
    decision_check_answered: bool = False


@dataclass(frozen=True)
class Readiness:
    status: Status
    reasons: tuple[str, ...]
    percent: int
    stage_states: tuple[StageState, ...]
    open_flags: int

    @property
    def is_ready(self) -> bool:
        return self.status == Status.READY


def objectives_missing(module: ModuleSpec, progress: Progress) -> list[str]:
    """The module's must-pass objectives not yet answered right."""
    if module.quiz_id is None:
        return []
    return [o for o in module.must_pass if (module.quiz_id, o) not in progress.objectives_shown]


def module_is_complete(module: ModuleSpec, progress: Progress) -> bool:
    lessons_done = all(lesson_id in progress.lessons_read for lesson_id in module.lesson_ids)
    quiz_done = module.quiz_id is None or module.quiz_id in progress.quizzes_passed
    return lessons_done and quiz_done and not objectives_missing(module, progress)


def module_is_started(module: ModuleSpec, progress: Progress) -> bool:
    return any(i in progress.lessons_read for i in module.lesson_ids) or (
        module.quiz_id in progress.quizzes_attempted
    )


def stage_states(pathway: PathwaySpec, progress: Progress) -> tuple[StageState, ...]:
    states = []
    previous_complete = True
    for module in pathway.modules:
        if module_is_complete(module, progress):
            state = StageState.COMPLETED if previous_complete else StageState.LOCKED
        elif not previous_complete:
            state = StageState.LOCKED
        elif module_is_started(module, progress):
            state = StageState.IN_PROGRESS
        else:
            state = StageState.AVAILABLE
        # A later stage stays locked until every earlier one is completed.
        previous_complete = previous_complete and state == StageState.COMPLETED
        states.append(state)
    return tuple(states)


def item_is_satisfied(item: ItemSpec, progress: Progress) -> bool:
    answer = progress.checklist_answers.get(item.id)
    if answer is None:
        return False
    return answer == item.ok_answer or item.id in progress.discussed_flag_item_ids


def _stage_reasons(module: ModuleSpec, progress: Progress) -> list[str]:
    """What is still to do in one stage that is not completed."""
    reasons: list[str] = []
    unread = sum(1 for i in module.lesson_ids if i not in progress.lessons_read)
    if unread:
        reasons.append(
            ngettext(
                "%(count)s lesson in “%(module)s” not yet read",
                "%(count)s lessons in “%(module)s” not yet read",
                unread,
            )
            % {"count": unread, "module": module.title}
        )
    if module.quiz_id is not None and module.quiz_id not in progress.quizzes_passed:
        reasons.append(
            _("Quiz “%(quiz)s” not yet passed") % {"quiz": module.quiz_title or module.title}
        )
    reasons.extend(
        _("Not yet shown: %(objective)s") % {"objective": objective}
        for objective in objectives_missing(module, progress)
    )
    return reasons


def _teach_back_reasons(pathway: PathwaySpec, progress: Progress) -> list[str]:
    """Never graded, but required: one reason per stage still without its answer."""
    return [
        _("Not yet written in your own words: “%(module)s”") % {"module": module.title}
        for module in pathway.modules
        if module.teach_back and module.id not in progress.teach_backs
    ]


def _checklist_reasons(pathway: PathwaySpec, progress: Progress) -> list[str]:
    reasons: list[str] = []
    required = [item for item in pathway.checklist_items if item.required]
    unanswered = [i for i in required if i.id not in progress.checklist_answers]
    if unanswered:
        reasons.append(
            ngettext(
                "%(count)s required checklist item not yet answered",
                "%(count)s required checklist items not yet answered",
                len(unanswered),
            )
            % {"count": len(unanswered)}
        )
    open_flags = len(progress.open_flag_item_ids)
    if open_flags:
        reasons.append(
            ngettext(
                "%(count)s checklist answer to talk over with your clinician",
                "%(count)s checklist answers to talk over with your clinician",
                open_flags,
            )
            % {"count": open_flags}
        )
    return reasons


def _percent(pathway: PathwaySpec, progress: Progress) -> int:
    """Lessons read, quizzes passed and required items satisfied, out of all."""
    required = [item for item in pathway.checklist_items if item.required]
    total_units = sum(len(m.lesson_ids) + (m.quiz_id is not None) for m in pathway.modules)
    total_units += len(required)
    done_units = sum(
        sum(1 for i in m.lesson_ids if i in progress.lessons_read)
        + (m.quiz_id is not None and m.quiz_id in progress.quizzes_passed)
        for m in pathway.modules
    )
    done_units += sum(1 for i in required if item_is_satisfied(i, progress))
    return 100 if total_units == 0 else round(100 * done_units / total_units)


def _status(progress: Progress, reasons: list[str]) -> Status:
    started = bool(
        progress.lessons_read or progress.quizzes_attempted or progress.checklist_answers
    )
    if progress.open_flag_item_ids:
        return Status.NEEDS_DISCUSSION
    if not reasons:
        return Status.READY
    if not started:
        return Status.NOT_STARTED
    return Status.IN_PROGRESS


def evaluate(pathway: PathwaySpec, progress: Progress) -> Readiness:
    states = stage_states(pathway, progress)
    reasons: list[str] = []
    for module, state in zip(pathway.modules, states, strict=True):
        if state != StageState.COMPLETED:
            reasons.extend(_stage_reasons(module, progress))
    reasons.extend(_teach_back_reasons(pathway, progress))
    if progress.decision_check_asked and not progress.decision_check_answered:
        reasons.append(_("Decision check not yet answered"))
    reasons.extend(_checklist_reasons(pathway, progress))

    status = _status(progress, reasons)
    percent = _percent(pathway, progress)
    if status != Status.READY and percent == 100:
        percent = 99
    return Readiness(
        status=status,
        reasons=tuple(reasons),
        percent=percent,
        stage_states=states,
        open_flags=len(progress.open_flag_item_ids),
    )
