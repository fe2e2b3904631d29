"""The decision check (SURE) and the expectations before and after the
expectations stage: what the patient answers, what the clinician sees (brief
top, dashboard flag and filter), and readiness waiting for the decision check."""

from __future__ import annotations

import dataclasses
import re
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from education import readiness, selfcheck, services
from education.curriculum.loader import load_curriculum
from education.models.assessment import SelfCheck
from education.readiness import ModuleSpec, PathwaySpec, Progress, Status
from tests.builders import correct_answers, make_patient
from tests.education.pages import enrollment_of, main, page, read_stage, stages

SURE_URL = "/learn/decision-check/"
BEFORE_URL = "/learn/expectations/before/"
AFTER_URL = "/learn/expectations/after/"
HTMX = {"HTTP_HX_REQUEST": "true"}
ALL_YES = {item.key: "yes" for item in selfcheck.SURE_ITEMS}
REALISTIC = {"result": "slower_loss", "how_soon": "months", "how_long": "with_upkeep"}
HOPEFUL = {"result": "full_head", "how_soon": "weeks", "how_long": "for_good"}


def checked(html: str, name: str, value: str) -> bool:
    """Whether the radio button ``name`` = ``value`` is ticked."""
    pattern = rf'<input type="radio" name="{name}" value="{value}"[^>]*\bchecked\b'
    return re.search(pattern, html) is not None


@pytest.fixture
def curriculum(db):
    load_curriculum()


def pass_stage(patient, module):
    read_stage(patient, module)
    services.quiz_attempt_submit(
        enrollment=enrollment_of(patient),
        quiz=module.quiz,
        answers=correct_answers(module.quiz),
        submission_key=uuid.uuid4(),
    )


@pytest.fixture
def expectations_stage(pathway):
    """The pathway's second stage is the one on realistic expectations."""
    module = stages(pathway)[1]
    module.slug = selfcheck.EXPECTATIONS_MODULE_SLUG
    module.save()
    return module


@pytest.fixture
def finished(patient, pathway, expectations_stage):
    for module in stages(pathway):
        pass_stage(patient, module)
    return patient


# --- Rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "score", "flagged"),
    [
        (ALL_YES, 4, False),
        ({**ALL_YES, "encouragement": "no"}, 3, True),
        (dict.fromkeys(ALL_YES, "no"), 0, True),
    ],
)
def test_a_no_on_any_sure_item_is_decisional_conflict(answers, score, flagged):
    assert selfcheck.sure_score(answers) == score
    assert selfcheck.sure_flagged(answers) is flagged


def test_expectations_outside_the_evidence_are_named():
    assert selfcheck.unrealistic_items(REALISTIC) == []
    assert [i.key for i in selfcheck.unrealistic_items(HOPEFUL)] == [
        "result",
        "how_soon",
        "how_long",
    ]


@pytest.mark.parametrize(
    ("asked", "answered", "status"),
    [(False, False, Status.READY), (True, False, Status.IN_PROGRESS), (True, True, Status.READY)],
)
def test_readiness_waits_for_the_decision_check_when_asked(asked, answered, status):
    spec = PathwaySpec(modules=(ModuleSpec(id=1, title="Stage", lesson_ids=(10,)),))
    progress = Progress(
        lessons_read=frozenset({10}),
        decision_check_asked=asked,
        decision_check_answered=answered,
    )
    result = readiness.evaluate(spec, progress)
    assert result.status == status
    assert ("Decision check not yet answered" in result.reasons) is (asked and not answered)


# --- The decision check, as the patient --------------------------------------------


def test_the_decision_check_waits_for_the_last_stage(patient_client):
    response = patient_client.get(SURE_URL)
    assert response.status_code == 302
    assert response["Location"] == "/learn/"


def test_the_decision_check_asks_the_four_sure_questions_in_fieldsets(patient_client, finished):
    html = main(patient_client.get(SURE_URL))
    for item in selfcheck.SURE_ITEMS:
        assert f"<legend>{item.text}</legend>" in html
    assert html.count('type="radio"') == 8


@pytest.mark.parametrize("htmx", [False, True])
def test_answering_with_a_no_saves_a_flag_and_clears_the_reason(patient_client, finished, htmx):
    answers = {**ALL_YES, "risk_benefit": "no"}
    response = patient_client.post(SURE_URL, answers, **(HTMX if htmx else {}))
    if htmx:
        assert response.headers["HX-Redirect"] == "/learn/"
    else:
        assert response.status_code == 302
    check = SelfCheck.objects.get(enrollment=enrollment_of(finished))
    assert check.kind == "sure" and check.flagged and check.answers == answers
    html = main(patient_client.get("/learn/"))
    assert "Decision check not yet answered" not in html
    event = AuditEvent.objects.get(action="education.self_check.saved")
    assert event.detail["answers"] == answers


def test_answering_again_replaces_the_answer(patient_client, finished):
    patient_client.post(SURE_URL, {**ALL_YES, "sure": "no"})
    patient_client.post(SURE_URL, ALL_YES)
    check = SelfCheck.objects.get(enrollment=enrollment_of(finished))
    assert check.answers == ALL_YES and not check.flagged
    assert AuditEvent.objects.filter(action="education.self_check.saved").count() == 2
    html = page(patient_client.get(SURE_URL))
    assert checked(html, "sure", "yes") and not checked(html, "sure", "no")


@pytest.mark.parametrize(
    ("data", "htmx", "status"),
    [
        ({"sure": "yes"}, False, 400),
        ({"sure": "yes", "understand": "maybe"}, False, 400),
        ({"sure": "yes"}, True, 200),
    ],
)
def test_a_missing_or_unknown_answer_keeps_the_others(patient_client, finished, data, htmx, status):
    response = patient_client.post(SURE_URL, data, **(HTMX if htmx else {}))
    assert response.status_code == status
    html = page(response)
    assert "Choose one answer." in html or "not one of the choices" in html
    assert checked(html, "sure", "yes")
    assert not SelfCheck.objects.exists()


def test_staff_are_refused_and_anonymous_sent_to_sign_in(clinician_client, client, finished):
    assert clinician_client.get(SURE_URL).status_code == 403
    assert clinician_client.post(SURE_URL, ALL_YES).status_code == 403
    response = client.get(SURE_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_patient_sees_and_writes_only_their_own(
    patient_client, other_patient_client, other_patient, finished, pathway
):
    patient_client.post(SURE_URL, {**ALL_YES, "sure": "no"})
    for module in stages(pathway):
        pass_stage(other_patient, module)
    html = page(other_patient_client.get(SURE_URL))
    assert not checked(html, "sure", "no") and not checked(html, "sure", "yes")
    other_patient_client.post(SURE_URL, ALL_YES)
    mine = SelfCheck.objects.get(enrollment=enrollment_of(finished))
    assert mine.answers["sure"] == "no"
    assert SelfCheck.objects.get(enrollment=enrollment_of(other_patient)).answers == ALL_YES


# --- Expectations before and after ---------------------------------------------------


def test_expectations_before_are_asked_from_the_start_and_after_once_the_stage_is_passed(
    patient_client, patient, pathway, expectations_stage
):
    assert "/learn/expectations/before/" in main(patient_client.get("/learn/"))
    assert patient_client.post(BEFORE_URL, HOPEFUL).status_code == 302
    assert patient_client.get(AFTER_URL)["Location"] == "/learn/"
    before = SelfCheck.objects.get(kind="expect_before")
    assert not before.flagged  # before the stage, it is what the stage will teach

    for module in stages(pathway):
        pass_stage(patient, module)
    assert patient_client.get(BEFORE_URL)["Location"] == "/learn/"
    assert patient_client.post(AFTER_URL, {**REALISTIC, "result": "full_head"}).status_code == 302
    after = SelfCheck.objects.get(kind="expect_after")
    assert after.flagged


def test_unknown_expectations_page_and_a_pathway_without_the_stage_are_404(patient_client):
    assert patient_client.get("/learn/expectations/later/").status_code == 404
    assert patient_client.get(BEFORE_URL).status_code == 404  # no expectations stage here


def test_a_bad_expectations_answer_is_400_with_the_answers_kept(patient_client, expectations_stage):
    response = patient_client.post(BEFORE_URL, {"result": "thicker", "how_soon": "tomorrow"})
    assert response.status_code == 400
    html = page(response)
    assert checked(html, "result", "thicker")
    assert "not one of the choices" in html


# --- What the clinician sees ---------------------------------------------------------


def _answered(patient, *, sure=None, before=None, after=None):
    enrollment = enrollment_of(patient)
    for kind, answers, flagged in (
        ("sure", sure, sure and selfcheck.sure_flagged(sure)),
        ("expect_before", before, False),
        ("expect_after", after, after and bool(selfcheck.unrealistic_items(after))),
    ):
        if answers:
            SelfCheck.objects.create(
                enrollment=enrollment, kind=kind, answers=answers, flagged=flagged
            )


def test_the_brief_top_shows_sure_and_expectations_side_by_side(clinician_client, patient):
    _answered(patient, sure={**ALL_YES, "encouragement": "no"}, before=HOPEFUL, after=REALISTIC)
    html = page(clinician_client.get(f"/clinic/patients/{patient.pk}/"))
    top = html[html.index('id="discuss-heading"') : html.index("open flag")]
    assert "Decisional conflict" in top
    assert "3 of 4 answered “yes”" in top
    assert re.search(r"enough support and advice to make a choice\? —\s*<strong>No</strong>", top)
    assert "<td>A full head of hair again" in top and "<td>Losing hair more slowly" in top
    assert "Expectations to discuss" not in top


def test_the_brief_flags_expectations_still_outside_the_evidence_after(clinician_client, patient):
    _answered(patient, before=HOPEFUL, after={**REALISTIC, "how_long": "for_good"})
    html = page(clinician_client.get(f"/clinic/patients/{patient.pk}/"))
    assert '<strong class="self-check-flag">Expectations to discuss</strong>' in html


def test_the_brief_reads_self_checks_without_more_queries(clinician_client, patient):
    url = f"/clinic/patients/{patient.pk}/"
    clinician_client.get(url)
    with CaptureQueriesContext(connection) as without:
        clinician_client.get(url)
    _answered(patient, sure=ALL_YES, before=HOPEFUL, after=REALISTIC)
    with CaptureQueriesContext(connection) as with_answers:
        clinician_client.get(url)
    assert len(with_answers) == len(without)


@pytest.mark.parametrize(
    ("concern", "shown", "hidden"),
    [("decisional_conflict", "Conflicted", "Calm"), ("expectations", "Hopeful", "Conflicted")],
)
def test_the_dashboard_filters_by_each_flag(
    clinician_client, clinic, pathway, concern, shown, hidden
):
    conflicted = make_patient(clinic=clinic, pathway=pathway, full_name="Conflicted Person")
    calm = make_patient(clinic=clinic, pathway=pathway, full_name="Calm Person")
    hopeful = make_patient(clinic=clinic, pathway=pathway, full_name="Hopeful Person")
    _answered(conflicted, sure={**ALL_YES, "sure": "no"})
    _answered(calm, sure=ALL_YES, after=REALISTIC)
    _answered(hopeful, after=HOPEFUL)

    everyone = page(clinician_client.get("/clinic/"))
    assert "Decisional conflict" in everyone and "Expectations to discuss" in everyone
    filtered = page(clinician_client.get("/clinic/", {"concern": concern}))
    table = filtered[filtered.index('id="patient-table"') :]
    assert shown in table and hidden not in table


def test_the_dashboard_query_count_does_not_change_with_the_flag_filter(
    clinician_client, clinic, pathway
):
    for _n in range(5):
        _answered(make_patient(clinic=clinic, pathway=pathway), sure={**ALL_YES, "sure": "no"})
    clinician_client.get("/clinic/")
    with CaptureQueriesContext(connection) as plain:
        clinician_client.get("/clinic/")
    with CaptureQueriesContext(connection) as filtered:
        clinician_client.get("/clinic/", {"concern": "decisional_conflict"})
    assert len(filtered) == len(plain)


# --- The pathway self-test ------------------------------------------------------------


def test_check_pathway_names_the_decision_check_gate_when_it_is_broken(curriculum, monkeypatch):
    from education.selectors import progress

    original = progress.RawProgress.as_progress

    def never_asked(self):
        result = original(self)
        return dataclasses.replace(result, decision_check_asked=False)

    monkeypatch.setattr(progress.RawProgress, "as_progress", never_asked)
    with pytest.raises(CommandError, match="decision-check"):
        call_command("check_pathway")


# --- Demo data -------------------------------------------------------------------------


def test_demo_patients_show_each_flag(curriculum, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--patients", "40")
    flagged = SelfCheck.objects.filter(flagged=True)
    assert flagged.filter(kind="sure").exists()
    assert flagged.filter(kind="expect_after").exists()
    before = SelfCheck.objects.filter(kind="expect_before")
    assert before.count() > SelfCheck.objects.filter(kind="expect_after").count()
