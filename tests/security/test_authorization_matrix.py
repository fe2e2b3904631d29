"""Authorization matrix: every URL × persona × method × plain/htmx → the expected answer.

Objects in URLs are built for two scenarios: ``own`` (the persona's own records, or a
patient of the persona's clinic) and ``other`` (another person's records, or a patient of
another clinic). Other people's objects answer 404; a role that may never use a page, 403.

The 404s come from ``education/access.py`` (every ``get_<thing>_for_<actor>()``); the
403s from the role decorators in ``accounts/permissions.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from accounts.services import invitation_create, invitation_token
from education import services
from education.models import (
    ChecklistItem,
    ChecklistResponse,
    Lesson,
    Module,
    PathwayModule,
    Quiz,
)
from reminders.emails import unsubscribe_token
from tests.builders import (
    add_totp_device,
    correct_answers,
    make_clinic,
    make_pathway,
    make_patient,
    make_staff,
    wrong_answers,
)
from tests.conftest import login_client

PERSONAS = (
    "anonymous",
    "patient",
    "other_patient",
    "clinician",
    "other_clinic_clinician",
    "clinic_admin",
    "unverified_clinician",  # signed in with the password, second factor not yet passed
)
VARIANTS = (("GET", False), ("GET", True), ("POST", False), ("POST", True))


# --- The world ------------------------------------------------------------------------


@dataclass
class World:
    """Two clinics, two pathways, three patients with records, three staff members."""

    clinic: object
    other_clinic: object
    pathway: object
    other_pathway: object
    patient: User
    other_patient: User
    foreign_patient: User
    clinician: User
    other_clinic_clinician: User
    clinic_admin: User
    unverified_clinician: User
    questions: dict = field(default_factory=dict)  # patient pk -> PatientQuestion
    flags: dict = field(default_factory=dict)  # patient pk -> ChecklistResponse (open flag)
    attempts: dict = field(default_factory=dict)  # patient pk -> last QuizAttempt
    invitation_token: str = ""
    invitation_ids: dict = field(default_factory=dict)  # clinic pk -> a pending invitation

    def user(self, persona: str) -> User | None:
        return None if persona == "anonymous" else getattr(self, persona)

    def subject(self, persona: str, scenario: str) -> User:
        """The patient whose records the URL points at."""
        own = {
            "anonymous": self.patient,
            "patient": self.patient,
            "other_patient": self.other_patient,
            "clinician": self.patient,
            "clinic_admin": self.patient,
            "unverified_clinician": self.patient,
            "other_clinic_clinician": self.foreign_patient,
        }
        other = {
            "anonymous": self.other_patient,
            "patient": self.other_patient,
            "other_patient": self.patient,
            "clinician": self.foreign_patient,
            "clinic_admin": self.foreign_patient,
            "unverified_clinician": self.foreign_patient,
            "other_clinic_clinician": self.patient,
        }
        return (own if scenario == "own" else other)[persona]

    def first_module(self, patient: User):
        return _first_module(patient.enrollments.get().pathway)

    def first_lesson(self, patient: User) -> Lesson:
        return self.first_module(patient).lessons.order_by("order")[0]


def _first_module(pathway):
    return PathwayModule.objects.filter(pathway=pathway).order_by("order")[0].module


def _records_for(patient: User, *, attempts: int) -> tuple:
    enrollment = patient.enrollments.get()
    pathway = enrollment.pathway
    module = _first_module(pathway)
    for lesson in module.lessons.all():
        services.lesson_complete(enrollment=enrollment, lesson=lesson)
    quiz = Quiz.objects.get(module=module)
    attempt = None
    for n in range(attempts):
        answers = correct_answers(quiz) if n == attempts - 1 else wrong_answers(quiz)
        attempt = services.quiz_attempt_submit(
            enrollment=enrollment, quiz=quiz, answers=answers, submission_key=uuid.uuid4()
        )
    item = ChecklistItem.objects.filter(checklist=pathway.checklist).order_by("order")[0]
    flag = services.checklist_response_save(
        enrollment=enrollment, item=item, answer="not_sure", note="Worried."
    )
    assert flag.flag_status == ChecklistResponse.FlagStatus.OPEN
    question = services.patient_question_add(enrollment=enrollment, text="Does it hurt?")
    return question, flag, attempt


def make_world() -> World:
    clinic = make_clinic()
    other_clinic = make_clinic()
    pathway = make_pathway(modules=2, lessons=1, questions=1, items=2)
    other_pathway = make_pathway(modules=1, lessons=1, questions=1, items=1)
    clinician = make_staff(clinic=clinic, role=User.Role.CLINICIAN)
    clinic_admin = make_staff(clinic=clinic, role=User.Role.CLINIC_ADMIN, is_staff=True)
    other_clinic_clinician = make_staff(clinic=other_clinic, role=User.Role.CLINICIAN)
    world = World(
        clinic=clinic,
        other_clinic=other_clinic,
        pathway=pathway,
        other_pathway=other_pathway,
        patient=make_patient(clinic=clinic, pathway=pathway, primary_clinician=clinician),
        other_patient=make_patient(clinic=clinic, pathway=other_pathway),
        foreign_patient=make_patient(clinic=other_clinic, pathway=other_pathway),
        clinician=clinician,
        other_clinic_clinician=other_clinic_clinician,
        clinic_admin=clinic_admin,
        unverified_clinician=make_staff(clinic=clinic, role=User.Role.CLINICIAN),
    )
    add_totp_device(world.unverified_clinician)  # enrolled, but this session has not verified
    for patient, attempts in (
        (world.patient, 1),
        (world.other_patient, 2),
        (world.foreign_patient, 1),
    ):
        question, flag, attempt = _records_for(patient, attempts=attempts)
        world.questions[patient.pk] = question
        world.flags[patient.pk] = flag
        world.attempts[patient.pk] = attempt
    invitation = invitation_create(
        inviter=clinician, email="invited@example.test", full_name="Invited", pathway=pathway
    )
    world.invitation_token = invitation_token(invitation)
    world.invitation_ids[clinic.pk] = invitation.pk
    foreign = invitation_create(
        inviter=other_clinic_clinician, email="invited-elsewhere@example.test", full_name="Other"
    )
    world.invitation_ids[other_clinic.pk] = foreign.pk
    return world


# --- The URL list ---------------------------------------------------------------------


def url_patterns() -> list[tuple[str, str]]:
    """(route, name) of every pattern, through includes; the admin counts as its index."""
    found: list[tuple[str, str]] = []

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith("admin/"):
                    found.append((route, "admin:index"))
                    continue
                inner = ":".join(n for n in (namespace, pattern.namespace) if n)
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                found.append((route, name))

    walk(get_resolver().url_patterns, "", "")
    return found


# --- How to build each URL --------------------------------------------------------------

Kwargs = Callable[[World, str, str], dict]


def _question(world: World, persona: str, scenario: str) -> dict:
    return {"question_id": world.questions[world.subject(persona, scenario).pk].pk}


def _item(world: World, persona: str, scenario: str) -> dict:
    patient = world.subject(persona, scenario)
    return {"item_id": world.flags[patient.pk].item_id}


def _module(world: World, persona: str, scenario: str) -> dict:
    return {"module_slug": world.first_module(world.subject(persona, scenario)).slug}


def _attempt(world: World, persona: str, scenario: str) -> dict:
    patient = world.subject(persona, scenario)
    return {
        "module_slug": world.first_module(patient).slug,
        "number": world.attempts[patient.pk].number,
    }


def _before(world: World, persona: str, scenario: str) -> dict:
    return {"when": "before"}


def _lesson(world: World, persona: str, scenario: str) -> dict:
    lesson = world.first_lesson(world.subject(persona, scenario))
    return {"module_slug": lesson.module.slug, "lesson_slug": lesson.slug}


def _patient(world: World, persona: str, scenario: str) -> dict:
    return {"patient_id": world.subject(persona, scenario).pk}


def _flag(world: World, persona: str, scenario: str) -> dict:
    patient = world.subject(persona, scenario)
    return {"patient_id": patient.pk, "response_id": world.flags[patient.pk].pk}


def _invitation(world: World, persona: str, scenario: str) -> dict:
    return {"token": world.invitation_token if scenario == "own" else "not-a-real-token"}


def _pending_invitation(world: World, persona: str, scenario: str) -> dict:
    """A pending invitation of the persona's clinic ("own") or of the other one."""
    clinic = world.subject(persona, scenario).clinic_id
    return {"invitation_id": world.invitation_ids[clinic]}


def _preview(world: World, persona: str, scenario: str) -> dict:
    """A lesson of the clinic's own stage ("own"), or a library lesson."""
    if scenario == "other":
        return {"lesson_id": world.first_lesson(world.patient).pk}
    module, _ = Module.objects.get_or_create(
        slug="own-stage", defaults={"clinic": world.clinic, "title": "Own", "summary": "Own."}
    )
    lesson, _ = Lesson.objects.get_or_create(
        slug="own-lesson",
        defaults={"module": module, "title": "Own", "key_points": "A.", "body": "B."},
    )
    return {"lesson_id": lesson.pk}


def _unsubscribe(world: World, persona: str, scenario: str) -> dict:
    if scenario == "other":
        return {"token": "not-a-real-token"}
    return {"token": unsubscribe_token(user_id=world.patient.pk)}


def _reset(world: World, persona: str, scenario: str) -> dict:
    return {"uidb64": "MQ", "token": "set-password"}


def build_url(name: str, world: World, persona: str, scenario: str) -> str:
    row = MATRIX[name]
    kwargs = row.kwargs(world, persona, scenario) if row.kwargs else {}
    return reverse(name, kwargs=kwargs)


def client_for(world: World, persona: str) -> Client:
    user = world.user(persona)
    client = Client(raise_request_exception=False)
    if user is None:
        return client
    signed_in = login_client(user, verified=persona != "unverified_clinician")
    client.cookies = signed_in.cookies
    return client


def send(client: Client, method: str, url: str, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    send_method = client.get if method == "GET" else client.post
    cookies = SimpleCookie(client.cookies)
    with transaction.atomic():
        response = send_method(url, headers=headers)
        transaction.set_rollback(True)
    client.cookies = cookies  # a logout must not sign out the next request
    return response


def outcome(response) -> str:
    """The answer in matrix notation."""
    if "HX-Redirect" in response:
        return f"HX>{response['HX-Redirect'].split('?')[0]}"
    if response.status_code in (301, 302):
        return f"302>{response['Location'].split('?')[0]}"
    return str(response.status_code)


# --- The matrix -----------------------------------------------------------------------
# One expectation per variant, in VARIANTS order: GET, GET+htmx, POST, POST+htmx.
# "302>/path/" is a redirect whose Location starts with the path; "HX>/path/" is an
# htmx answer whose HX-Redirect header starts with the path.

LOGIN = "302>/accounts/login/"
HX_LOGIN = "HX>/accounts/login/"
TO_LOGIN = (LOGIN, HX_LOGIN, LOGIN, HX_LOGIN)  # the site's role decorators
TO_VERIFY = ("302>/accounts/verify/", "HX>/accounts/verify/") * 2  # staff, password only


def same(value: str) -> tuple[str, str, str, str]:
    return (value,) * 4


def get_only(ok: str = "200") -> tuple[str, str, str, str]:
    return (ok, ok, "405", "405")


def post_only(plain: str, htmx: str | None = None) -> tuple[str, str, str, str]:
    return ("405", "405", plain, plain if htmx is None else htmx)


FORBIDDEN = same("403")
NOT_FOUND = same("404")
STAFF = ("clinician", "other_clinic_clinician", "clinic_admin")
PATIENTS = ("patient", "other_patient")


def _roles(anonymous, patients, staff, unverified=None) -> dict:
    """Expectations per persona. Staff who signed in with the password only are
    refused what staff are refused, and sent to the second factor for the rest."""
    table = {"anonymous": anonymous}
    table.update(dict.fromkeys(PATIENTS, patients))
    table.update(dict.fromkeys(STAFF, staff))
    if unverified is None:
        unverified = FORBIDDEN if staff == FORBIDDEN else TO_VERIFY
    table["unverified_clinician"] = unverified
    return table


def everyone(expected) -> dict:
    return _roles(expected, expected, expected, expected)


def patient_page(own, other=None) -> tuple[dict, dict | None]:
    """A /learn/ page: anonymous to the login, staff 403, patients as given."""
    return (
        _roles(TO_LOGIN, own, FORBIDDEN),
        None if other is None else _roles(TO_LOGIN, other, FORBIDDEN),
    )


def staff_page(own, other=None) -> tuple[dict, dict | None]:
    """A /clinic/ page: anonymous to the login, patients 403, staff as given."""
    return (
        _roles(TO_LOGIN, FORBIDDEN, own),
        None if other is None else _roles(TO_LOGIN, FORBIDDEN, other),
    )


@dataclass(frozen=True)
class Row:
    expected: tuple[dict, dict | None]  # (own scenario, other scenario or None)
    kwargs: Kwargs | None = None
    # (persona, scenario) -> reason: cells where the app is known to be wrong.
    bugs: dict = field(default_factory=dict)

    @property
    def scenarios(self) -> tuple[str, ...]:
        return ("own",) if self.expected[1] is None else ("own", "other")


SIGNED_IN = PATIENTS + STAFF
SIGNED_IN_ANY = (*SIGNED_IN, "unverified_clinician")
MATRIX: dict[str, Row] = {
    # Site-wide.
    "home": Row(
        (
            {
                "anonymous": get_only("200"),
                **dict.fromkeys(PATIENTS, get_only("302>/learn/")),
                **dict.fromkeys((*STAFF, "unverified_clinician"), get_only("302>/clinic/")),
            },
            None,
        )
    ),
    "healthz": Row((everyone(same("200")), None)),
    "favicon": Row((everyone(get_only("200")), None)),
    "privacy": Row((everyone(get_only("200")), None)),
    "terms": Row((everyone(get_only("200")), None)),
    "admin:index": Row(
        (
            {
                # The admin's own login page forwards to the site's login / a 403.
                **{
                    p: same("302>/admin/login/")
                    for p in ("anonymous", *SIGNED_IN, "unverified_clinician")
                },
                "clinic_admin": same("200"),
            },
            None,
        )
    ),
    # Accounts.
    "accounts:login": Row(
        ({"anonymous": same("200"), **dict.fromkeys(SIGNED_IN_ANY, same("302>/"))}, None)
    ),
    "accounts:logout": Row((everyone(post_only("302>/")), None)),
    "accounts:password-reset": Row((everyone(same("200")), None)),
    "accounts:password-reset-done": Row((everyone(get_only()), None)),
    "accounts:password-reset-confirm": Row(
        (everyone(same("200")), everyone(same("200"))), kwargs=_reset
    ),
    "accounts:password-reset-complete": Row((everyone(get_only()), None)),
    # The password alone does not let staff change it.
    "accounts:password-change": Row(
        (
            {
                "anonymous": TO_LOGIN,
                **dict.fromkeys(SIGNED_IN, same("200")),
                "unverified_clinician": TO_VERIFY,
            },
            None,
        ),
    ),
    "accounts:password-change-done": Row(
        (
            {
                "anonymous": TO_LOGIN,
                **dict.fromkeys(SIGNED_IN, get_only()),
                "unverified_clinician": TO_VERIFY,
            },
            None,
        ),
    ),
    # A valid link shows the form to anyone; a broken one explains itself with a 400.
    "accounts:invitation-accept": Row(
        (everyone(same("200")), everyone(same("400"))), kwargs=_invitation
    ),
    "accounts:invitation-create": Row(staff_page(same("200"))),
    "accounts:invitation-list": Row(staff_page(get_only())),
    # Another clinic's invitation is a 404, exactly as one that does not exist.
    "accounts:invitation-resend": Row(
        staff_page(post_only("302>/accounts/invitations/"), post_only("404")),
        kwargs=_pending_invitation,
    ),
    "accounts:invitation-revoke": Row(
        staff_page(post_only("302>/accounts/invitations/"), post_only("404")),
        kwargs=_pending_invitation,
    ),
    "accounts:otp-verify": Row(
        # Already verified: go home. Not yet: the code form (an empty post shows it again).
        (_roles(TO_LOGIN, FORBIDDEN, same("302>/"), same("200")), None),
    ),
    "accounts:otp-setup": Row(
        (_roles(TO_LOGIN, FORBIDDEN, *[same("302>/accounts/verify/")] * 2), None),
    ),
    "accounts:locked-out": Row((everyone(get_only("429")), None)),
    # The signed-in person's own clinic: no logo uploaded in this world.
    "accounts:clinic-logo": Row((_roles(TO_LOGIN, *[get_only("404")] * 3), None)),
    "accounts:clinic-theme": Row((_roles(TO_LOGIN, *[get_only("200")] * 3), None)),
    # The patient's own account page and record download: patients only.
    "accounts:account": Row(patient_page(get_only())),
    "accounts:record-export": Row(patient_page(get_only())),
    # "Stay signed in": any signed-in person, POST only.
    "accounts:keep-alive": Row((_roles(TO_LOGIN, *[post_only("204")] * 3), None)),
    # Patient pages.
    "education:home": Row(patient_page(get_only())),
    "education:summary": Row(patient_page(get_only())),
    # An empty post answers nothing: saved as "no answers", back to the page.
    "education:checklist": Row(patient_page(("200", "200", *["302>/learn/checklist/"] * 2))),
    # An empty one-item post is an error: 400 page, or the item partial (200) under htmx.
    "education:checklist-item": Row(
        patient_page(post_only("400", "200"), post_only("404")), kwargs=_item
    ),
    "education:questions": Row(patient_page(("200", "200", "400", "400"))),
    "education:question-edit": Row(
        patient_page(("200", "200", "400", "400"), NOT_FOUND), kwargs=_question
    ),
    "education:question-delete": Row(
        patient_page(("200", "200", *["302>/learn/questions/"] * 2), NOT_FOUND),
        kwargs=_question,
    ),
    # An empty quiz post: the whole page with a message (400), or the form partial (200).
    "education:quiz": Row(patient_page(("200", "200", "400", "200"), NOT_FOUND), kwargs=_module),
    "education:quiz-result": Row(patient_page(get_only(), get_only("404")), kwargs=_attempt),
    # The world's first stage asks no teach-back question.
    "education:teach-back": Row(patient_page(same("404"), NOT_FOUND), kwargs=_module),
    # The patient has a stage to go: back to /learn/. The other patient passed every
    # stage: the form, and an empty post is a 400 page (under htmx, the form: 200).
    "education:decision-check": Row(
        (
            {
                **_roles(TO_LOGIN, same("302>/learn/"), FORBIDDEN),
                "other_patient": ("200", "200", "400", "200"),
            },
            None,
        )
    ),
    # The world's pathways have no stage on realistic expectations.
    "education:expectations": Row(patient_page(NOT_FOUND), kwargs=_before),
    "education:lesson-detail": Row(patient_page(get_only(), get_only("404")), kwargs=_lesson),
    "education:lesson-complete": Row(
        patient_page(post_only("302>/learn/"), post_only("404")), kwargs=_lesson
    ),
    # Clinician pages.
    "clinic:dashboard": Row(staff_page(get_only())),
    "clinic:export-csv": Row(staff_page(get_only())),
    "clinic:export-detail-csv": Row(staff_page(get_only())),
    "clinic:brief": Row(staff_page(get_only(), get_only("404")), kwargs=_patient),
    # An empty consultation date clears it (by design); back to the brief.
    # An empty date clears it: back to the brief (under htmx through HX-Redirect).
    "clinic:consultation-update": Row(
        staff_page(post_only("302>/clinic/patients/", "HX>/clinic/patients/"), post_only("404")),
        kwargs=_patient,
    ),
    "clinic:flag-discussed": Row(
        staff_page(post_only("302>/clinic/patients/"), post_only("404")), kwargs=_flag
    ),
    # A review or an outcome without a choice: the brief again with the form's errors
    # (400), or under htmx just that form's section (200: htmx swaps no 4xx).
    "clinic:review-create": Row(
        staff_page(post_only("400", "200"), post_only("404")), kwargs=_patient
    ),
    "clinic:outcome-create": Row(
        staff_page(post_only("400", "200"), post_only("404")), kwargs=_patient
    ),
    # Content preview: content editors (staff) only; a clinic admin previews their
    # clinic's own lessons, and the library's are not theirs.
    "preview:lesson": Row(
        tuple(
            {
                "anonymous": TO_LOGIN,
                **dict.fromkeys((*PATIENTS, *STAFF[:2], "unverified_clinician"), FORBIDDEN),
                "clinic_admin": same(status),
            }
            for status in ("200", "404")
        ),
        kwargs=_preview,
    ),
    # Reminders: the patient's own switch; a post without a choice is refused.
    "reminders:settings": Row(patient_page(("200", "200", "400", "400"))),
    # The signed unsubscribe link needs no sign-in; a broken one explains itself with a 400.
    "reminders:unsubscribe": Row(
        (everyone(same("200")), everyone(same("400"))), kwargs=_unsubscribe
    ),
}


# --- The tests ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end;
    every test then runs in its own savepoint, every request in another."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield make_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def matches(expected: str, actual: str) -> bool:
    if ">" in expected:
        return actual.startswith(expected)
    return actual == expected


def _cases():
    for name, row in MATRIX.items():
        for persona in PERSONAS:
            for scenario in row.scenarios:
                own, other = row.expected
                if scenario == "other" and other[persona] == own[persona] in (TO_LOGIN, FORBIDDEN):
                    continue  # refused before any object is looked up: nothing more to learn
                marks = []
                if (persona, scenario) in row.bugs:
                    marks.append(pytest.mark.xfail(strict=True, reason=row.bugs[persona, scenario]))
                yield pytest.param(
                    name, persona, scenario, id=f"{name}-{persona}-{scenario}", marks=marks
                )


@pytest.mark.parametrize(("name", "persona", "scenario"), list(_cases()))
def test_every_url_answers_each_persona_as_the_matrix_says(world, db, name, persona, scenario):
    url = build_url(name, world, persona, scenario)
    client = client_for(world, persona)
    expected = MATRIX[name].expected[0 if scenario == "own" else 1][persona]
    actual = [outcome(send(client, method, url, htmx)) for method, htmx in VARIANTS]
    labels = [f"{method}{' htmx' if htmx else ''}" for method, htmx in VARIANTS]
    wrong = [
        f"{label}: expected {want}, got {got}"
        for label, want, got in zip(labels, expected, actual, strict=True)
        if not matches(want, got)
    ]
    assert not wrong, f"{persona} on {url} ({scenario}): " + "; ".join(wrong)


def test_the_matrix_covers_every_url_pattern_and_nothing_else():
    names = [name for _route, name in url_patterns()]
    assert len(names) == len(set(names)), "two patterns share a name"
    missing = sorted(set(names) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(names))
    assert not missing, f"URL patterns with no row in MATRIX: {missing}"
    assert not stale, f"MATRIX rows for patterns that no longer exist: {stale}"


def test_the_admin_is_one_entry_and_its_own_patterns_are_left_out():
    routes = url_patterns()
    assert [name for route, name in routes if route.startswith("admin/")] == ["admin:index"]
    assert len(routes) >= 30


def test_anonymous_login_redirect_keeps_the_page_to_come_back_to(world, db):
    url = build_url("clinic:brief", world, "anonymous", "own")
    response = Client().get(url)
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    assert parse_qs(location.query) == {"next": [url]}
    htmx = Client().get(url, headers={"HX-Request": "true", "HX-Current-URL": "/clinic/"})
    assert htmx["HX-Redirect"] == "/accounts/login/?next=%2Fclinic%2F"
    assert b"<form" not in htmx.content


def test_a_flag_of_another_patient_in_the_same_clinic_is_404_under_a_known_patient(world, db):
    """The response id must belong to the patient in the URL, not just to the clinic."""
    client = client_for(world, "clinician")
    url = reverse(
        "clinic:flag-discussed",
        kwargs={
            "patient_id": world.patient.pk,
            "response_id": world.flags[world.other_patient.pk].pk,
        },
    )
    assert send(client, "POST", url, False).status_code == 404


STAFF_ONLY = [
    name
    for name, row in MATRIX.items()
    if name.startswith(("clinic:", "preview:", "admin:", "accounts:invitation-"))
    and name != "accounts:invitation-accept"
]


@pytest.mark.parametrize(
    ("name", "persona"),
    [
        pytest.param(
            name,
            persona,
        )
        for name in STAFF_ONLY
        for persona in ("clinician", "clinic_admin")
    ],
)
def test_staff_without_a_verified_second_factor_are_sent_to_it_first(world, db, name, persona):
    user = world.user(persona)
    client = Client(raise_request_exception=False)
    client.cookies = login_client(user, verified=False).cookies
    url = build_url(name, world, persona, "own")
    for method, htmx in VARIANTS:
        got = outcome(send(client, method, url, htmx))
        if name == "preview:lesson" and persona == "clinician":
            # Not a content editor: refused whatever the second factor.
            assert got == "403", (method, htmx, got)
        elif name == "admin:index":
            assert got.startswith(("302>/admin/login/", "302>/accounts/")), (method, htmx, got)
        else:
            assert got.split(">")[-1] in ("/accounts/two-factor/setup/", "/accounts/verify/"), (
                method,
                htmx,
                got,
            )
