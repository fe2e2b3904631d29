"""The readiness rules, table-driven and without a database."""

import pytest

from education.readiness import (
    ItemSpec,
    ModuleSpec,
    PathwaySpec,
    Progress,
    StageState,
    Status,
    evaluate,
)

CAUSES = ModuleSpec(
    id=1, title="Causes", lesson_ids=(11, 12), quiz_id=101, quiz_title="Causes quiz"
)
RISKS = ModuleSpec(id=2, title="Risks", lesson_ids=(21,), quiz_id=102, quiz_title="Risks quiz")
EXPECT = ModuleSpec(id=3, title="Expectations", lesson_ids=(31,))  # no quiz
UNDERSTAND = ItemSpec(id=1, text="I understand", required=True, ok_answer="yes")
NO_INFECTION = ItemSpec(id=2, text="Scalp infection?", required=True, ok_answer="no")
OPTIONAL = ItemSpec(id=3, text="Anything else?", required=False, ok_answer="yes")
PATHWAY = PathwaySpec(
    modules=(CAUSES, RISKS, EXPECT), checklist_items=(UNDERSTAND, NO_INFECTION, OPTIONAL)
)
# 4 lessons + 2 quizzes + 2 required items = 8 units of progress.

ALL_LESSONS = frozenset({11, 12, 21, 31})
ALL_QUIZZES = frozenset({101, 102})
SAFE_ANSWERS = {1: "yes", 2: "no"}
DONE = {
    "lessons_read": ALL_LESSONS,
    "quizzes_attempted": ALL_QUIZZES,
    "quizzes_passed": ALL_QUIZZES,
}

AV, IP, CO, LO = (
    StageState.AVAILABLE,
    StageState.IN_PROGRESS,
    StageState.COMPLETED,
    StageState.LOCKED,
)

CASES = [
    pytest.param(Progress(), Status.NOT_STARTED, (AV, LO, LO), 0, id="not-started"),
    pytest.param(
        Progress(lessons_read=frozenset({11})),
        Status.IN_PROGRESS,
        (IP, LO, LO),
        12,
        id="one-lesson",
    ),
    pytest.param(
        Progress(quizzes_attempted=frozenset({101})),
        Status.IN_PROGRESS,
        (IP, LO, LO),
        0,
        id="failed-quiz-counts-as-started",
    ),
    pytest.param(
        Progress(
            lessons_read=frozenset({11, 12}),
            quizzes_attempted=frozenset({101}),
            quizzes_passed=frozenset({101}),
        ),
        Status.IN_PROGRESS,
        (CO, AV, LO),
        38,
        id="first-stage-done-opens-the-second",
    ),
    pytest.param(
        Progress(checklist_answers={1: "yes"}),
        Status.IN_PROGRESS,
        (AV, LO, LO),
        12,
        id="checklist-only",
    ),
    pytest.param(
        Progress(
            **DONE,
            checklist_answers={1: "not_sure", 2: "no"},
            open_flag_item_ids=frozenset({1}),
        ),
        Status.NEEDS_DISCUSSION,
        (CO, CO, CO),
        88,
        id="open-flag-needs-discussion",
    ),
    pytest.param(
        Progress(lessons_read=frozenset({11}), open_flag_item_ids=frozenset({2})),
        Status.NEEDS_DISCUSSION,
        (IP, LO, LO),
        12,
        id="open-flag-wins-over-in-progress",
    ),
    pytest.param(
        Progress(**DONE, checklist_answers=SAFE_ANSWERS),
        Status.READY,
        (CO, CO, CO),
        100,
        id="ready",
    ),
    pytest.param(
        Progress(
            **DONE,
            checklist_answers={1: "not_sure", 2: "yes"},
            discussed_flag_item_ids=frozenset({1, 2}),
        ),
        Status.READY,
        (CO, CO, CO),
        100,
        id="discussed-flags-count-as-satisfied",
    ),
    pytest.param(
        Progress(
            lessons_read=ALL_LESSONS,
            quizzes_attempted=frozenset({102}),
            quizzes_passed=frozenset({102}),
            checklist_answers=SAFE_ANSWERS,
        ),
        Status.IN_PROGRESS,
        (IP, LO, LO),
        88,
        id="later-stages-stay-locked-after-an-incomplete-one",
    ),
    pytest.param(
        Progress(**DONE, checklist_answers=SAFE_ANSWERS, open_flag_item_ids=frozenset({3})),
        Status.NEEDS_DISCUSSION,
        (CO, CO, CO),
        99,
        id="percent-stops-at-99-until-ready",
    ),
    pytest.param(
        Progress(**DONE, checklist_answers={**SAFE_ANSWERS, 3: "no"}),
        Status.READY,
        (CO, CO, CO),
        100,
        id="optional-items-do-not-hold-readiness-back",
    ),
]


@pytest.mark.parametrize(("progress", "status", "states", "percent"), CASES)
def test_readiness_table(progress, status, states, percent):
    result = evaluate(PATHWAY, progress)

    assert result.status == status
    assert result.stage_states == states
    assert result.percent == percent
    assert result.is_ready == (status == Status.READY)


def test_nothing_done_lists_every_reason_in_plain_words():
    result = evaluate(PATHWAY, Progress())

    assert result.reasons == (
        "2 lessons in “Causes” not yet read",
        "Quiz “Causes quiz” not yet passed",
        "1 lesson in “Risks” not yet read",
        "Quiz “Risks quiz” not yet passed",
        "1 lesson in “Expectations” not yet read",
        "2 required checklist items not yet answered",
    )


def test_ready_has_no_reasons_and_no_open_flags():
    result = evaluate(PATHWAY, Progress(**DONE, checklist_answers=SAFE_ANSWERS))

    assert result.reasons == ()
    assert result.open_flags == 0


def test_open_flags_are_counted_and_explained():
    progress = Progress(
        **DONE, checklist_answers={1: "no", 2: "yes"}, open_flag_item_ids=frozenset({1, 2})
    )

    result = evaluate(PATHWAY, progress)

    assert result.open_flags == 2
    assert "2 checklist answers to talk over with your clinician" in result.reasons


def test_a_stage_without_a_quiz_completes_when_its_lessons_are_read():
    pathway = PathwaySpec(modules=(EXPECT,))

    result = evaluate(pathway, Progress(lessons_read=frozenset({31})))

    assert result.stage_states == (CO,)
    assert result.status == Status.READY


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        pytest.param(frozenset(), 0, id="none"),
        pytest.param(frozenset({11, 12}), 25, id="quarter"),
        pytest.param(ALL_LESSONS, 50, id="half"),
    ],
)
def test_percent_counts_lessons_quizzes_and_required_items_alike(read, expected):
    assert evaluate(PATHWAY, Progress(lessons_read=read)).percent == expected


# --- Must-pass objectives ------------------------------------------------------------

UNPROVEN = "Investigational means unproven"
RISKS_MUST = ModuleSpec(
    id=2,
    title="Risks",
    lesson_ids=(21,),
    quiz_id=102,
    quiz_title="Risks quiz",
    must_pass=(UNPROVEN,),
)
MUST_PATHWAY = PathwaySpec(modules=(CAUSES, RISKS_MUST, EXPECT), checklist_items=(UNDERSTAND,))


@pytest.mark.parametrize(
    ("shown", "status", "states", "reason"),
    [
        # Quiz passed on score, but the must-pass objective was never answered right.
        (frozenset(), Status.IN_PROGRESS, (CO, IP, LO), f"Not yet shown: {UNPROVEN}"),
        # Answered right in the same quiz: the stage is passed.
        (frozenset({(102, UNPROVEN)}), Status.READY, (CO, CO, CO), None),
        # Answered right, but in another quiz: it does not count here.
        (
            frozenset({(101, UNPROVEN)}),
            Status.IN_PROGRESS,
            (CO, IP, LO),
            f"Not yet shown: {UNPROVEN}",
        ),
    ],
    ids=["missing", "shown", "shown-elsewhere"],
)
def test_a_stage_with_a_must_pass_objective_needs_it_answered_right(shown, status, states, reason):
    progress = Progress(**DONE, checklist_answers={1: "yes"}, objectives_shown=shown)

    result = evaluate(MUST_PATHWAY, progress)

    assert result.status == status
    assert result.stage_states == states
    if reason:
        assert reason in result.reasons
    else:
        assert result.reasons == ()


# --- Teach-back ------------------------------------------------------------------------

RISKS_TEACH = ModuleSpec(
    id=2, title="Risks", lesson_ids=(21,), quiz_id=102, quiz_title="Risks quiz", teach_back=True
)
TEACH_PATHWAY = PathwaySpec(modules=(CAUSES, RISKS_TEACH, EXPECT), checklist_items=(UNDERSTAND,))


@pytest.mark.parametrize(
    ("written", "status", "reasons"),
    [
        (frozenset(), Status.IN_PROGRESS, ("Not yet written in your own words: “Risks”",)),
        (frozenset({2}), Status.READY, ()),
        # Written for another stage: does not count.
        (frozenset({1}), Status.IN_PROGRESS, ("Not yet written in your own words: “Risks”",)),
    ],
    ids=["missing", "written", "other-stage"],
)
def test_a_teach_back_is_required_for_readiness_but_does_not_lock_stages(written, status, reasons):
    progress = Progress(**DONE, checklist_answers={1: "yes"}, teach_backs=written)

    result = evaluate(TEACH_PATHWAY, progress)

    assert result.status == status
    assert result.reasons == reasons
    assert result.stage_states == (CO, CO, CO)
