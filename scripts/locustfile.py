"""Load mix for `make bench` (run by scripts/bench_run.py, one user class per phase).

Accounts come from scripts/bench_prepare.py through BENCH_ACCOUNTS_FILE.
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(open(os.environ["BENCH_ACCOUNTS_FILE"]).read())  # noqa: SIM115
_patients = itertools.cycle(ACCOUNTS["patients"])
_clinicians = itertools.cycle(ACCOUNTS["clinicians"])
QUIZ_SUBMITTED = {"count": 0}

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'name="(submission_key|quiz_version)" value="([^"]*)"')
CHOICE = re.compile(r'name="(question_\d+)"[^>]*value="(\d+)"')


def _csrf(response) -> str:
    match = CSRF.search(response.text)
    return match.group(1) if match else ""


class SignedIn(HttpUser):
    """Starts with a session made by bench_prepare.py: no password hashing or
    second-factor step inside the measured phases."""

    abstract = True
    wait_time = between(0, 0)

    def login(self, account: dict):
        self.client.cookies.set("sessionid", account["session"])
        response = self.client.get("/bench/bare", name="session check", allow_redirects=False)
        if response.status_code != 200:
            raise RuntimeError(f"session for {account['email']} not accepted")


class BarePatient(SignedIn):
    def on_start(self):
        self.login(next(_patients))

    @task
    def bare(self):
        self.client.get("/bench/bare", name="bare view (patient)")


class PatientHome(SignedIn):
    def on_start(self):
        self.login(next(_patients))

    @task
    def home(self):
        self.client.get("/learn/", name="patient home")


class Lesson(SignedIn):
    def on_start(self):
        self.login(next(_patients))

    @task
    def lesson(self):
        slug = random.choice(ACCOUNTS["lessons"])  # noqa: S311
        self.client.get(f"/learn/{ACCOUNTS['module']}/{slug}/", name="lesson")


class QuizForm(SignedIn):
    def on_start(self):
        self.login(next(_patients))

    @task
    def quiz(self):
        self.client.get(f"/learn/{ACCOUNTS['module']}/quiz/", name="quiz form")


class BareClinician(SignedIn):
    def on_start(self):
        self.login(next(_clinicians))

    @task
    def bare(self):
        self.client.get("/bench/bare", name="bare view (clinician)")


class Dashboard(SignedIn):
    def on_start(self):
        self.login(next(_clinicians))

    @task
    def dashboard(self):
        self.client.get("/clinic/", name="clinician dashboard")


class PatientMix(SignedIn):
    """Patients reading lessons, taking a quiz and saving checklist items."""

    def on_start(self):
        self.login(next(_patients))
        self.module = ACCOUNTS["module"]

    @task(3)
    def home(self):
        self.client.get("/learn/", name="patient home")

    @task(3)
    def lesson(self):
        slug = random.choice(ACCOUNTS["lessons"])  # noqa: S311
        self.client.get(f"/learn/{self.module}/{slug}/", name="lesson")

    @task(2)
    def quiz(self):
        page = self.client.get(f"/learn/{self.module}/quiz/", name="quiz form")
        data = {"csrfmiddlewaretoken": _csrf(page)}
        data.update(dict(HIDDEN.findall(page.text)))
        for field, value in CHOICE.findall(page.text):
            data.setdefault(field, value)
        response = self.client.post(
            f"/learn/{self.module}/quiz/", data, name="quiz submit", allow_redirects=False
        )
        if response.status_code == 302:  # stored and redirected to the result
            QUIZ_SUBMITTED["count"] += 1

    @task(2)
    def checklist_item(self):
        page = self.client.get("/learn/checklist/", name="checklist")
        item_id, ok = random.choice(ACCOUNTS["checklist_items"])  # noqa: S311
        self.client.post(
            f"/learn/checklist/{item_id}/",
            {
                f"item-{item_id}-answer": ok,
                f"item-{item_id}-note": "",
                "csrfmiddlewaretoken": _csrf(page),
            },
            headers={"HX-Request": "true"},
            name="checklist item save (htmx)",
        )

    @task(1)
    def summary(self):
        self.client.get("/learn/summary/", name="summary")


class ClinicianMix(SignedIn):
    """Clinicians filtering the dashboard and opening briefs."""

    def on_start(self):
        self.login(next(_clinicians))

    @task(3)
    def dashboard(self):
        self.client.get("/clinic/", name="clinician dashboard")

    @task(2)
    def filtered(self):
        status = random.choice(["1_needs_discussion", "3_in_progress", "4_ready"])  # noqa: S311
        self.client.get(
            f"/clinic/?status={status}&within=30&page=2",
            headers={"HX-Request": "true"},
            name="dashboard filtered (htmx)",
        )

    @task(2)
    def brief(self):
        patient_id = random.choice(ACCOUNTS["sample_patient_ids"])  # noqa: S311
        self.client.get(f"/clinic/patients/{patient_id}/", name="patient brief")


@events.test_stop.add_listener
def _write_counts(environment, **kwargs):
    path = os.environ.get("BENCH_COUNTS_FILE")
    if path:
        with open(path, "w") as handle:
            json.dump(QUIZ_SUBMITTED, handle)
