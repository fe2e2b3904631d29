"""Hostile input to every form: never a 500, and nobody else's records change."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from education import services
from education.models import ChecklistItem, Choice, PathwayModule, Question
from tests.builders import correct_answers, make_pathway, make_patient
from tests.conftest import login_client
from tests.security.test_mass_assignment import others_snapshot

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,  # leave no .hypothesis folder behind
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "-1",
    "0",
    "-9223372036854775809",
    "9223372036854775808",
    "99999999999999999999999999999",
    "1e309",
    "NaN",
    "true",
    "null",
    "[]",
    "{}",
    "' OR '1'='1' --",
    "1; DROP TABLE education_enrollment; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "{% debug %}",
    "%(name)s %s %d",
    "../../../../etc/passwd",
    "javascript:alert(1)",
    "\u202e\u0000\ufeff",
    "ｓｅｌｅｃｔ",
    "😀" * 50,
    "x" * 5_000,
    "y" * 100_000,
    "2031-02-30T25:61",
    "0000-00-00T00:00",
    "9999-12-31T23:59",
    "-2000-01-01T00:00",
    "2031-01-01T10:00",
    str(uuid.uuid4()),
]
SCALAR = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.integers().map(str),
)
# Lists where a scalar is expected: the field is posted several times.
VALUE = st.one_of(SCALAR, st.lists(SCALAR, min_size=2, max_size=3))
HTMX = st.booleans()
PATH_INT = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=2**31, max_value=10**30),
)


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.cookies = login_client(user).cookies
    return client


# Built once per test function and reused by every example (examples roll back).


@pytest.fixture
def as_patient(patient) -> Client:
    return _client(patient)


@pytest.fixture
def as_clinician(clinician) -> Client:
    return _client(clinician)


@pytest.fixture
def bystanders(other_patient, foreign_patient):
    return (other_patient, foreign_patient)


@pytest.fixture
def foreign_ids(db):
    return _foreign_ids()


@pytest.fixture
def their_attempt(other_patient, pathway):
    """Another patient's stored attempt: its submission key must not be reusable."""
    module = _ready_for_quiz(other_patient, pathway)
    return services.quiz_attempt_submit(
        enrollment=other_patient.enrollments.get(),
        quiz=module.quiz,
        answers=correct_answers(module.quiz),
        submission_key=uuid.uuid4(),
    )


def _first_module(pathway):
    return PathwayModule.objects.filter(pathway=pathway).order_by("order")[0].module


@contextmanager
def rolled_back():
    """Setup made inside one example is undone before the next."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def attempt(client, method, url, data, *, bystanders, htmx=False):
    """Send in a savepoint that is rolled back, so every example starts the same."""
    before = others_snapshot(*bystanders)
    headers = {"HX-Request": "true"} if htmx else {}
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, data, headers=headers)
        else:
            response = client.post(url, data, headers=headers)
        after = others_snapshot(*bystanders)
        transaction.set_rollback(True)
    assert response.status_code < 500, (method, url, data, response.status_code)
    known = {row[0] for row in before["powers"]}
    joined = [row for row in after["powers"] if row[0] not in known]
    after["powers"] = [row for row in after["powers"] if row[0] in known]
    assert after == before, "someone else's records changed"
    # Only an accepted invitation adds someone, and only as a patient without powers.
    assert all(role == "patient" and not staff and not su for _pk, role, _c, staff, su in joined)
    return response


def _ready_for_quiz(patient, pathway):
    enrollment = patient.enrollments.get()
    module = _first_module(pathway)
    for lesson in module.lessons.all():
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    return module


def _foreign_ids():
    """Ids that belong to someone else: the choices and items of another clinic's pathway."""
    other = make_pathway(modules=1, lessons=1, questions=1, items=1)
    return {
        "choices": list(
            Choice.objects.filter(question__quiz__module__pathways=other).values_list(
                "pk", flat=True
            )
        ),
        "items": list(
            ChecklistItem.objects.filter(checklist=other.checklist).values_list("pk", flat=True)
        ),
    }


# --- Patient forms ---------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), htmx=HTMX)
def test_hostile_quiz_submissions_never_fail(
    data,
    htmx,
    db,
    patient,
    pathway,
    other_patient,
    foreign_patient,
    as_patient,
    foreign_ids,
    their_attempt,
):
    with rolled_back():
        module = _ready_for_quiz(patient, pathway)
        foreign = foreign_ids
        questions = list(Question.objects.filter(quiz__module=module))
        any_choice = st.one_of(VALUE, st.sampled_from(foreign["choices"]).map(str))
        post = {f"question_{q.pk}": data.draw(any_choice) for q in questions}
        post["submission_key"] = data.draw(
            st.one_of(VALUE, st.just(str(uuid.uuid4())), st.just(str(their_attempt.submission_key)))
        )
        post["quiz_version"] = data.draw(VALUE)
        post[data.draw(st.sampled_from(["question_-1", "question_x", "question_", "choice"]))] = (
            data.draw(VALUE)
        )
        attempt(
            as_patient,
            "POST",
            f"/learn/{module.slug}/quiz/",
            post,
            bystanders=(other_patient, foreign_patient),
            htmx=htmx,
        )


@SETTINGS
@given(data=st.data(), htmx=HTMX)
def test_hostile_checklist_item_posts_never_fail(
    data, htmx, db, patient, pathway, other_patient, foreign_patient, as_patient, foreign_ids
):
    with rolled_back():
        own = list(
            ChecklistItem.objects.filter(checklist=pathway.checklist).values_list("pk", flat=True)
        )
        item_id = data.draw(st.one_of(st.sampled_from(own + foreign_ids["items"]), PATH_INT))
        post = {
            f"item-{item_id}-answer": data.draw(
                st.one_of(st.sampled_from(["yes", "no", "not_sure"]), VALUE)
            ),
            f"item-{item_id}-note": data.draw(VALUE),
        }
        attempt(
            as_patient,
            "POST",
            f"/learn/checklist/{item_id}/",
            post,
            bystanders=(other_patient, foreign_patient),
            htmx=htmx,
        )


@SETTINGS
@given(data=st.data(), htmx=HTMX)
def test_hostile_whole_checklist_posts_never_fail(
    data, htmx, db, patient, pathway, other_patient, foreign_patient, as_patient, foreign_ids
):
    with rolled_back():
        own = list(
            ChecklistItem.objects.filter(checklist=pathway.checklist).values_list("pk", flat=True)
        )
        ids = st.one_of(
            st.sampled_from(own + foreign_ids["items"]).map(str),
            st.integers().map(str),
            st.sampled_from(["x", "", "-", "1-2", "<b>"]),
        )
        keys = st.builds(
            lambda i, field: f"item-{i}-{field}", ids, st.sampled_from(["answer", "note", "other"])
        )
        post = data.draw(st.dictionaries(keys, VALUE, max_size=6))
        attempt(
            as_patient,
            "POST",
            "/learn/checklist/",
            post,
            bystanders=(other_patient, foreign_patient),
            htmx=htmx,
        )


@SETTINGS
@given(data=st.data(), htmx=HTMX)
def test_hostile_questions_never_fail(
    data, htmx, db, patient, other_patient, foreign_patient, as_patient
):
    with rolled_back():
        own = services.patient_question_add(enrollment=patient.enrollments.get(), text="Mine")
        theirs = services.patient_question_add(
            enrollment=other_patient.enrollments.get(), text="Theirs"
        )
        client = as_patient
        bystanders = (other_patient, foreign_patient)
        text = {"text": data.draw(VALUE)}
        attempt(client, "POST", "/learn/questions/", text, bystanders=bystanders, htmx=htmx)
        question_id = data.draw(st.one_of(st.sampled_from([own.pk, theirs.pk]), PATH_INT))
        for action in ("edit", "delete"):
            response = attempt(
                client,
                "POST",
                f"/learn/questions/{question_id}/{action}/",
                text,
                bystanders=bystanders,
                htmx=htmx,
            )
            if question_id == theirs.pk:
                assert response.status_code == 404


# --- Clinician forms -------------------------------------------------------------------


FILTERS = ("status", "within", "mine", "q", "sort", "page")


@SETTINGS
@given(params=st.dictionaries(st.sampled_from(FILTERS), VALUE, max_size=6), htmx=HTMX)
def test_hostile_dashboard_filters_never_fail(
    params, htmx, db, clinician, patient, other_patient, foreign_patient, as_clinician
):
    client = as_clinician
    bystanders = (other_patient, foreign_patient)
    response = attempt(client, "GET", "/clinic/", params, bystanders=bystanders, htmx=htmx)
    assert response.status_code == 200
    assert foreign_patient.email.encode() not in response.content
    export = attempt(client, "GET", "/clinic/export.csv", params, bystanders=bystanders)
    assert export.status_code == 200
    assert foreign_patient.email.encode() not in b"".join(export.streaming_content)


@SETTINGS
@given(value=VALUE, extra=VALUE, htmx=HTMX)
def test_hostile_consultation_dates_never_fail(
    value, extra, htmx, db, clinician, patient, other_patient, foreign_patient, as_clinician
):
    attempt(
        as_clinician,
        "POST",
        f"/clinic/patients/{patient.pk}/consultation/",
        {"consultation_at": value, "consultation_at_1": extra},
        bystanders=(other_patient, foreign_patient),
        htmx=htmx,
    )


@SETTINGS
@given(data=st.data(), htmx=HTMX)
def test_hostile_flag_posts_never_fail(
    data, htmx, db, clinician, patient, pathway, other_patient, foreign_patient, as_clinician
):
    with rolled_back():
        item = ChecklistItem.objects.filter(checklist=pathway.checklist).order_by("order")[0]
        own = services.checklist_response_save(
            enrollment=patient.enrollments.get(), item=item, answer="not_sure"
        )
        theirs = services.checklist_response_save(
            enrollment=other_patient.enrollments.get(), item=item, answer="no"
        )
        response_id = data.draw(st.one_of(st.sampled_from([own.pk, theirs.pk]), PATH_INT))
        response = attempt(
            as_clinician,
            "POST",
            f"/clinic/patients/{patient.pk}/flags/{response_id}/discussed/",
            {"note": data.draw(VALUE)},
            bystanders=(other_patient, foreign_patient),
            htmx=htmx,
        )
        if response_id == theirs.pk:
            assert response.status_code == 404


@SETTINGS
@given(
    post=st.fixed_dictionaries(
        {"outcome": st.one_of(st.sampled_from(["ready", "needs_follow_up"]), VALUE)},
        optional={"note": VALUE, "override_reason": VALUE},
    ),
    htmx=HTMX,
)
def test_hostile_reviews_never_fail(
    post, htmx, db, clinician, patient, other_patient, foreign_patient, as_clinician
):
    attempt(
        as_clinician,
        "POST",
        f"/clinic/patients/{patient.pk}/reviews/",
        post,
        bystanders=(other_patient, foreign_patient),
        htmx=htmx,
    )


@SETTINGS
@given(
    post=st.fixed_dictionaries(
        {},
        optional={
            "full_name": VALUE,
            "email": st.one_of(VALUE, st.emails().map(str)),
            "role": st.one_of(st.sampled_from(["patient", "clinician", "clinic_admin"]), VALUE),
            "consultation_at": VALUE,
            "primary_clinician": VALUE,
            "pathway": VALUE,
        },
    ),
    htmx=HTMX,
)
def test_hostile_invitations_never_fail(
    post,
    htmx,
    db,
    clinician,
    other_clinic_clinician,
    patient,
    other_patient,
    foreign_patient,
    as_clinician,
):
    attempt(
        as_clinician,
        "POST",
        "/accounts/invitations/new/",
        post,
        bystanders=(other_patient, foreign_patient),
        htmx=htmx,
    )


# --- Login -------------------------------------------------------------------------------


@SETTINGS
@given(username=VALUE, password=VALUE, next_url=VALUE, htmx=HTMX)
def test_hostile_logins_never_fail(
    username, password, next_url, htmx, db, other_patient, foreign_patient
):
    response = attempt(
        Client(raise_request_exception=False),
        "POST",
        f"/accounts/login/?next={next_url if isinstance(next_url, str) else ''}",
        {"username": username, "password": password},
        bystanders=(other_patient, foreign_patient),
        htmx=htmx,
    )
    assert response.status_code in (200, 400, 429)


@SETTINGS
@given(token=VALUE, password=VALUE, htmx=HTMX)
def test_hostile_invitation_acceptances_never_fail(
    token, password, htmx, db, clinician, pathway, other_patient, foreign_patient
):
    from accounts.services import invitation_create, invitation_token

    with rolled_back():
        invitation = invitation_create(
            inviter=clinician, email="hostile@example.test", full_name="H", pathway=pathway
        )
        real = invitation_token(invitation)
        token = token if isinstance(token, str) else real
        path_token = token.replace("/", "%2F").replace("?", "%3F").replace("#", "%23") or real
        response = attempt(
            Client(raise_request_exception=False),
            "POST",
            f"/accounts/invitation/{path_token}/",
            {"password1": password, "password2": password, "role": "clinic_admin"},
            bystanders=(other_patient, foreign_patient),
            htmx=htmx,
        )
        assert response.status_code in (200, 302, 400, 404)


def test_an_oversized_body_is_refused_without_losing_saved_answers(
    db, patient, pathway, other_patient
):
    enrollment = patient.enrollments.get()
    services.patient_question_add(enrollment=enrollment, text="Keep me")
    response = attempt(
        _client(patient),
        "POST",
        "/learn/questions/",
        {"text": "z" * 400_000},
        bystanders=(other_patient,),
    )
    assert response.status_code == 400
    assert enrollment.patient_questions.filter(text="Keep me").exists()


def test_too_many_fields_are_refused(db, patient, pathway, other_patient):
    post = {f"item-{n}-answer": "yes" for n in range(1000)}
    response = attempt(
        _client(patient), "POST", "/learn/checklist/", post, bystanders=(other_patient,)
    )
    assert response.status_code == 400


def test_a_patient_with_no_pathway_gets_no_error_from_any_form(db, clinic, other_patient):
    lonely = make_patient(clinic=clinic)
    make_pathway(modules=1, lessons=1, questions=1, items=1)
    client = _client(lonely)
    for url in ("/learn/questions/", "/learn/checklist/", "/learn/checklist/1/"):
        response = attempt(client, "POST", url, {"text": "Hi"}, bystanders=(other_patient,))
        assert response.status_code < 500


# --- Out-of-range ids and dates ----------------------------------------------------------

HUGE_ID = st.one_of(
    st.sampled_from([2**63, 2**63 - 1 + 1, 2**64, 10**19, 99999999999999999999]),
    st.integers(min_value=2**63, max_value=10**40),
)


def _id_urls(patient, module_slug: str) -> list[tuple[str, str]]:
    """Every URL with an id in it, with the id to vary as ``{id}``."""
    return [
        ("GET", "/clinic/patients/{id}/"),
        ("POST", "/clinic/patients/{id}/reviews/"),
        ("POST", "/clinic/patients/{id}/consultation/"),
        ("POST", f"/clinic/patients/{patient.pk}/flags/{{id}}/discussed/"),
        ("POST", "/learn/checklist/{id}/"),
        ("GET", "/learn/questions/{id}/edit/"),
        ("POST", "/learn/questions/{id}/delete/"),
        ("GET", f"/learn/{module_slug}/quiz/result/{{id}}/"),
        ("GET", "/preview/lessons/{id}/"),
    ]


@settings(SETTINGS, max_examples=6)
@given(big=HUGE_ID, htmx=HTMX)
def test_ids_beyond_64_bits_answer_404_on_every_url(
    big, htmx, db, patient, pathway, clinician, clinic_admin
):
    module_slug = _first_module(pathway).slug
    for method, template in _id_urls(patient, module_slug):
        url = template.format(id=big)
        user = patient if url.startswith("/learn/") else clinician
        if url.startswith("/preview/"):
            user = clinic_admin
        client = _client(user)
        headers = {"HX-Request": "true"} if htmx else {}
        send = client.get if method == "GET" else client.post
        response = send(url, headers=headers)
        # /learn/checklist/<huge>/ no longer matches the item URL; it falls through to
        # the read-only lesson URL (stage "checklist"), which refuses a POST with 405.
        allowed = (404, 405) if template.startswith("/learn/checklist/") else (404,)
        assert response.status_code in allowed, (url, response.status_code)


def test_no_url_pattern_takes_an_unbounded_integer():
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.converters import IntConverter

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue  # the admin's own patterns
                yield from walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                yield pattern

    unbounded = [
        str(p.pattern)
        for p in walk(get_resolver().url_patterns)
        if any(isinstance(c, IntConverter) for c in p.pattern.converters.values())
    ]
    assert not unbounded, f"use <id:...> instead of <int:...> in {unbounded}"


ZONES = ["Pacific/Honolulu", "America/New_York", "UTC", "Asia/Tokyo", "Pacific/Kiritimati"]
EXTREME_DATES = st.one_of(
    st.sampled_from(
        [
            "9999-12-31T23:59",
            "9999-12-31 23:59:59",
            "0001-01-01T00:00",
            "0001-01-01 00:00",
            "1900-01-01T00:00",
            "3000-06-01T12:00",
        ]
    ),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)


@pytest.mark.parametrize("zone", ZONES)
@settings(SETTINGS, max_examples=10)
@given(value=EXTREME_DATES, htmx=HTMX)
def test_extreme_consultation_dates_in_any_clinic_zone_are_refused_with_a_message(
    zone, value, htmx, db, clinic, clinician, patient, other_patient, foreign_patient
):
    clinic.timezone = zone
    clinic.save(update_fields=["timezone"])
    response = attempt(
        _client(clinician),
        "POST",
        f"/clinic/patients/{patient.pk}/consultation/",
        {"consultation_at": value},
        bystanders=(other_patient, foreign_patient),
        htmx=htmx,
    )
    assert response.status_code < 500


@pytest.mark.parametrize("zone", ["Pacific/Honolulu", "Pacific/Kiritimati"])
@pytest.mark.parametrize("value", ["9999-12-31T23:59", "0001-01-01T00:00", "2020-01-01T09:00"])
def test_a_consultation_date_out_of_the_window_is_refused_and_the_saved_one_kept(
    zone, value, db, clinic, clinician, patient
):
    from datetime import timedelta

    from django.utils import timezone

    clinic.timezone = zone
    clinic.save(update_fields=["timezone"])
    saved = timezone.now().replace(microsecond=0, second=0) + timedelta(days=3)
    profile = patient.patient_profile
    profile.consultation_at = saved
    profile.save(update_fields=["consultation_at"])
    client = _client(clinician)
    response = client.post(
        f"/clinic/patients/{patient.pk}/consultation/", {"consultation_at": value}, follow=True
    )
    assert response.status_code in (200, 400)
    assert b"between yesterday and two years from today" in response.content
    profile.refresh_from_db()
    assert profile.consultation_at == saved


@pytest.mark.parametrize("zone", ["Pacific/Honolulu", "Pacific/Kiritimati"])
def test_an_invitation_with_an_out_of_range_date_is_refused_with_a_message(
    zone, db, clinic, clinician
):
    from accounts.models import Invitation

    clinic.timezone = zone
    clinic.save(update_fields=["timezone"])
    response = _client(clinician).post(
        "/accounts/invitations/new/",
        {
            "full_name": "Dana Example",
            "email": "dana@example.test",
            "role": "patient",
            "consultation_at": "9999-12-31T23:59",
        },
    )
    assert response.status_code == 200
    assert b"between yesterday and two years from today" in response.content
    assert not Invitation.objects.filter(email="dana@example.test").exists()
