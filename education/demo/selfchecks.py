"""Demo answers to the decision check (SURE) and the expectations questions:
some patients with decisional conflict, some whose expectations after the
expectations stage are still to discuss."""

from __future__ import annotations

from datetime import timedelta

from .. import selfcheck
from ..models.assessment import SelfCheck

REALISTIC = {"result": "slower_loss", "how_soon": "months", "how_long": "with_upkeep"}
HOPEFUL = {"result": "full_head", "how_soon": "weeks", "how_long": "for_good"}


def _expectations(rng, hopeful: float) -> dict[str, str]:
    return {
        item.key: HOPEFUL[item.key] if rng.random() < hopeful else REALISTIC[item.key]
        for item in selfcheck.EXPECTATION_ITEMS
    }


def _sure(rng, doubtful: bool) -> dict[str, str]:
    answers = {item.key: selfcheck.YES for item in selfcheck.SURE_ITEMS}
    if doubtful:
        answers[rng.choice(selfcheck.SURE_ITEMS).key] = selfcheck.NO
    return answers


def self_checks_for(
    rng, enrollment, *, started: bool, past_expectations: bool, finished: bool, when
):
    """The enrollment's self-check rows: expectations before once started,
    after once the expectations stage is passed (a few still hopeful), and the
    decision check once every stage is passed (about one in four with a "no")."""
    rows = []

    def add(kind, answers, flagged, at=when):
        rows.append(
            SelfCheck(
                enrollment=enrollment, kind=kind, answers=answers, flagged=flagged, answered_at=at
            )
        )

    if started:  # at the start, before the first lesson
        start = enrollment.enrolled_at + timedelta(minutes=2)
        add(SelfCheck.Kind.EXPECT_BEFORE, _expectations(rng, 0.5), False, start)
    if past_expectations:
        after = dict(REALISTIC)
        if rng.random() < 0.3:  # one answer still hopeful after the stage
            key = rng.choice(list(HOPEFUL))
            after[key] = HOPEFUL[key]
        add(SelfCheck.Kind.EXPECT_AFTER, after, bool(selfcheck.unrealistic_items(after)))
    if finished:
        sure = _sure(rng, rng.random() < 0.25)
        add(SelfCheck.Kind.SURE, sure, selfcheck.sure_flagged(sure))
    return rows
