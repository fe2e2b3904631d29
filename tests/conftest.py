"""Personas and clients shared by the whole suite."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import User

from .builders import add_totp_device, make_clinic, make_pathway, make_patient, make_staff


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clinic(db):
    return make_clinic(name="Demo Hair Clinic", slug="demo")


@pytest.fixture
def other_clinic(db):
    return make_clinic(name="Northside Hair Clinic", slug="northside")


@pytest.fixture
def pathway(db):
    return make_pathway()


@pytest.fixture
def clinician(clinic):
    return make_staff(clinic=clinic, role=User.Role.CLINICIAN, full_name="Dr Clinician")


@pytest.fixture
def clinic_admin(clinic):
    return make_staff(
        clinic=clinic, role=User.Role.CLINIC_ADMIN, full_name="Clinic Admin", is_staff=True
    )


@pytest.fixture
def other_clinic_clinician(other_clinic):
    return make_staff(clinic=other_clinic, role=User.Role.CLINICIAN, full_name="Other Clinician")


@pytest.fixture
def patient(clinic, pathway, clinician):
    return make_patient(
        clinic=clinic, pathway=pathway, primary_clinician=clinician, full_name="Pat Patient"
    )


@pytest.fixture
def other_patient(clinic, pathway):
    """Another patient of the same clinic."""
    return make_patient(clinic=clinic, pathway=pathway, full_name="Other Patient")


@pytest.fixture
def foreign_patient(other_clinic, pathway):
    """A patient of another clinic."""
    return make_patient(clinic=other_clinic, pathway=pathway, full_name="Foreign Patient")


def login_client(user, *, verified=True, enforce_csrf=False) -> Client:
    """A client signed in as ``user``; staff have passed the second factor."""
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    if verified and user.is_clinic_staff:
        device = add_totp_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def login():
    return login_client


@pytest.fixture
def patient_client(patient):
    return login_client(patient)


@pytest.fixture
def clinician_client(clinician):
    return login_client(clinician)


@pytest.fixture
def clinic_admin_client(clinic_admin):
    return login_client(clinic_admin)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(
        email="root@example.test", password="correct-horse-battery", full_name="Root"
    )


@pytest.fixture
def superuser_client(superuser):
    return login_client(superuser)


@pytest.fixture
def other_clinic_client(other_clinic_clinician):
    return login_client(other_clinic_clinician)


@pytest.fixture
def other_patient_client(other_patient):
    return login_client(other_patient)


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the outline cache included)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
