"""Reminders tests: the immediate task backend, and a clinic where it is daytime now."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.utils import timezone

import reminders.tasks
from accounts.models import User
from education.models import Enrollment
from tests.builders import make_clinic, make_pathway, make_patient, make_staff

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = IMMEDIATE
    settings.SITE_URL = "https://portal.example"


@pytest.fixture
def rq_tasks(settings):
    """Switch to the RQ backend for one test. It comes from the django-tasks
    package, whose Task class is not Django's, and ``@task`` takes the class of
    the backend active when ``reminders.tasks`` is imported: the module is
    rebuilt for RQ, then rebuilt again after the test, so a later test on a
    Django backend never meets an RQ task object."""

    def use():
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
        importlib.reload(reminders.tasks)

    yield use
    settings.TASKS = IMMEDIATE
    importlib.reload(reminders.tasks)


def daytime_zone() -> str:
    """A fixed-offset zone where the clock now reads about 13:00, so tests
    that deliver at the real time never fall into the quiet hours."""
    hour = timezone.now().hour
    offset = (13 - hour + 12) % 24 - 12  # local = UTC + offset, offset in -12..11
    # Etc/GMT signs are inverted: Etc/GMT-3 is three hours ahead of UTC.
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


@pytest.fixture
def day_clinic(db):
    return make_clinic(name="Daylight Hair Clinic", slug="daylight", timezone=daytime_zone())


@pytest.fixture
def small_pathway(db):
    return make_pathway(modules=1, lessons=1, questions=1, items=1)


@pytest.fixture
def day_clinician(day_clinic):
    return make_staff(clinic=day_clinic, role=User.Role.CLINICIAN, full_name="Dr Day")


def enrolled(clinic, pathway, *, clinician=None, **snapshot) -> Enrollment:
    """A patient of ``clinic`` with the readiness snapshot given (defaults:
    joined 4 days ago, not started, no consultation)."""
    patient = make_patient(clinic=clinic, pathway=pathway, primary_clinician=clinician)
    enrollment = patient.enrollments.get()
    values = {"enrolled_at": timezone.now() - timedelta(days=4)}
    values.update(snapshot)
    Enrollment.objects.filter(pk=enrollment.pk).update(**values)
    enrollment.refresh_from_db()
    return enrollment
