"""What a patient says about their own decision, as rules over plain data (no
database): the SURE screen for decisional conflict, and the result they expect
before and after the expectations stage.

SURE (O'Connor and Légaré): four yes/no items; a "no" on any of them (a score
of 3 or less) is a sign of decisional conflict for the clinician to talk over.

Expectations: three multiple-choice items. An answer outside what the evidence
supports (a full head of hair, results within weeks, results that last with
no upkeep) is unrealistic; after the expectations stage it is a flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

YES, NO = "yes", "no"


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    # (option key, label); the options the evidence does not support.
    options: tuple[tuple[str, str], ...]
    unrealistic: frozenset[str] = frozenset()


SURE_OPTIONS = ((YES, _("Yes")), (NO, _("No")))

SURE_ITEMS = (
    Item("sure", _("Do you feel sure about the best choice for you?"), SURE_OPTIONS),
    Item("understand", _("Do you know the benefits and risks of each option?"), SURE_OPTIONS),
    Item(
        "risk_benefit",
        _("Are you clear about which benefits and risks matter most to you?"),
        SURE_OPTIONS,
    ),
    Item(
        "encouragement",
        _("Do you have enough support and advice to make a choice?"),
        SURE_OPTIONS,
    ),
)

NOT_SURE = ("not_sure", _("I'm not sure"))

EXPECTATION_ITEMS = (
    Item(
        "result",
        _("What result do you expect from treatment?"),
        (
            ("full_head", _("A full head of hair again")),
            ("thicker", _("Thicker hair where it is thinning")),
            ("slower_loss", _("Losing hair more slowly")),
            NOT_SURE,
        ),
        unrealistic=frozenset({"full_head"}),
    ),
    Item(
        "how_soon",
        _("How soon do you expect to see a change?"),
        (
            ("weeks", _("Within a few weeks")),
            ("months", _("After a few months")),
            ("year", _("After a year or more")),
            NOT_SURE,
        ),
        unrealistic=frozenset({"weeks"}),
    ),
    Item(
        "how_long",
        _("How long do you expect the result to last if you stop treatment?"),
        (
            ("for_good", _("For good, with no upkeep")),
            ("with_upkeep", _("Only as long as I keep up treatment")),
            ("unknown", _("No one can say yet")),
            NOT_SURE,
        ),
        unrealistic=frozenset({"for_good"}),
    ),
)


def sure_score(answers: Mapping[str, str]) -> int:
    """The number of "yes" answers, 0 to 4."""
    return sum(1 for item in SURE_ITEMS if answers.get(item.key) == YES)


def sure_flagged(answers: Mapping[str, str]) -> bool:
    """Decisional conflict: any item not answered "yes" (a score of 3 or less)."""
    return sure_score(answers) < len(SURE_ITEMS)


def sure_doubts(answers: Mapping[str, str]) -> list[Item]:
    """The SURE items answered "no", for the clinician."""
    return [item for item in SURE_ITEMS if answers.get(item.key) != YES]


def unrealistic_items(answers: Mapping[str, str]) -> list[Item]:
    """The expectation items answered with something the evidence does not support."""
    return [item for item in EXPECTATION_ITEMS if answers.get(item.key) in item.unrealistic]


def option_label(item: Item, answer: str | None) -> str:
    return str(dict(item.options).get(answer, "")) if answer else ""


def answer_problems(items: tuple[Item, ...], answers: Mapping[str, str]) -> dict[str, str]:
    """Item key -> what is wrong with its answer; empty when every item has one
    of its options."""
    problems = {}
    for item in items:
        if answers.get(item.key) not in dict(item.options):
            problems[item.key] = str(_("Choose one answer."))
    return problems


# The stage that teaches realistic expectations: the patient says what they
# expect before it and again after it.
EXPECTATIONS_MODULE_SLUG = "realistic-expectations"
