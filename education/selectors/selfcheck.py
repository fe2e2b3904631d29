"""Reads for the decision check (SURE) and the expectations before and after
the expectations stage. They work on a PatientState already loaded (no
queries)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from .. import selfcheck
from ..models.assessment import SelfCheck
from ..readiness import StageState
from .outline import Stage
from .progress import PatientState


def expectations_stage(state: PatientState) -> Stage | None:
    return next(
        (s for s in state.stages if s.module.slug == selfcheck.EXPECTATIONS_MODULE_SLUG), None
    )


def self_check_open(state: PatientState, kind: str) -> bool:
    """SURE: once every stage is completed, before the consultation.
    Expectations: "before" until the expectations stage is completed, "after"
    from then on."""
    if kind == SelfCheck.Kind.SURE:
        return all(s.state == StageState.COMPLETED for s in state.stages)
    stage = expectations_stage(state)
    if stage is None:
        return False
    completed = stage.state == StageState.COMPLETED
    return completed if kind == SelfCheck.Kind.EXPECT_AFTER else not completed


@dataclass
class AnswerRow:
    """One item with the answer given (its label), and whether it is a concern."""

    text: str
    answer: str
    concern: bool


@dataclass
class ExpectationRow:
    text: str
    before: str
    after: str
    before_concern: bool
    after_concern: bool


@dataclass
class SelfChecks:
    sure: SelfCheck | None
    sure_rows: list[AnswerRow]
    before: SelfCheck | None
    after: SelfCheck | None
    expectations: list[ExpectationRow]

    @property
    def decisional_conflict(self) -> bool:
        return self.sure is not None and self.sure.flagged

    @property
    def sure_score(self) -> int | None:
        return selfcheck.sure_score(self.sure.answers) if self.sure else None

    @property
    def expectations_to_discuss(self) -> bool:
        return self.after is not None and self.after.flagged


def _label(item: selfcheck.Item, check: SelfCheck | None) -> str:
    return selfcheck.option_label(item, check.answers.get(item.key)) if check else ""


def _unrealistic(item: selfcheck.Item, check: SelfCheck | None) -> bool:
    return check is not None and check.answers.get(item.key) in item.unrealistic


def brief_self_checks(state: PatientState) -> SelfChecks:
    """The patient's SURE answers and their expectations before and after."""
    checks = state.raw.self_checks
    sure = checks.get(SelfCheck.Kind.SURE)
    before = checks.get(SelfCheck.Kind.EXPECT_BEFORE)
    after = checks.get(SelfCheck.Kind.EXPECT_AFTER)
    return SelfChecks(
        sure=sure,
        sure_rows=[
            AnswerRow(
                str(item.text), _label(item, sure), sure.answers.get(item.key) != selfcheck.YES
            )
            for item in selfcheck.SURE_ITEMS
        ]
        if sure
        else [],
        before=before,
        after=after,
        expectations=[
            ExpectationRow(
                str(item.text),
                _label(item, before),
                _label(item, after),
                _unrealistic(item, before),
                _unrealistic(item, after),
            )
            for item in selfcheck.EXPECTATION_ITEMS
        ]
        if before or after
        else [],
    )


@dataclass
class SelfCheckPrompt:
    """A self-check open now, with the answer already given (if any)."""

    kind: str
    answer: SelfCheck | None


def self_check_prompts(state: PatientState) -> list[SelfCheckPrompt]:
    """The self-checks the patient can answer at this point, in pathway order."""
    kinds = (SelfCheck.Kind.EXPECT_BEFORE, SelfCheck.Kind.EXPECT_AFTER, SelfCheck.Kind.SURE)
    return [
        SelfCheckPrompt(kind, state.raw.self_checks.get(kind))
        for kind in kinds
        if self_check_open(state, kind)
    ]


# Dashboard filter value -> the self-check whose flag it shows.
CONCERNS = {
    "decisional_conflict": SelfCheck.Kind.SURE,
    "expectations": SelfCheck.Kind.EXPECT_AFTER,
}


def self_check_flag(kind: str) -> Exists:
    """Whether the enrollment's self-check of ``kind`` is flagged, as a column."""
    return Exists(SelfCheck.objects.filter(enrollment=OuterRef("pk"), kind=kind, flagged=True))


def self_check_flag_columns() -> dict[str, Exists]:
    """The two flags a list of enrollments shows, as columns of the same query:
    ``decisional_conflict`` and ``expectations_to_discuss``."""
    return {
        "decisional_conflict": self_check_flag(CONCERNS["decisional_conflict"]),
        "expectations_to_discuss": self_check_flag(CONCERNS["expectations"]),
    }
