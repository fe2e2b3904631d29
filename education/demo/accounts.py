"""Demo accounts: two clinics, a library, and the demo logins (staff with the
demo authenticator key, two patients enrolled on the default pathway); Demo
Hair Clinic's own stage (``clinic_stage``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Clinic, PatientProfile, User
from accounts.otp import totp_device_create_demo

from ..governance import content_editors_group, library_editors_group
from ..models import Pathway
from ..services import enrollment_create
from .clinic_stage import demo_clinic_stage_create

DEMO_PASSWORD = "consultready-demo"  # noqa: S105 - documented demo password
DEMO_TOTP_KEY = "JBSWY3DPEHPK3PXP"
DEMO_DOMAIN = "demo.test"
SYNTHETIC_PREFIX = "patient-"


@dataclass
class DemoAccounts:
    clinic: Clinic
    other_clinic: Clinic
    users: dict[str, User]


def _upsert_user(email, *, password_hash, **fields) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, password=password_hash, **fields)
        user.save()
        return user
    changed = False
    for name, value in fields.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    if changed:
        user.save()
    return user


# Demo staff with a second factor (the demo authenticator key).
STAFF_KEYS = ("admin", "clinician", "other-clinician", "editor", "reviewer")


def _demo_clinics() -> tuple[Clinic, Clinic, Clinic]:
    clinic, _ = Clinic.objects.update_or_create(
        slug="demo-hair-clinic",
        defaults={
            "name": "Demo Hair Clinic",
            "timezone": "America/New_York",
            "contact_phone": "(555) 010-2030",
        },
    )
    other, _ = Clinic.objects.update_or_create(
        slug="northside-hair-clinic",
        defaults={
            "name": "Northside Hair Clinic",
            "timezone": "America/Chicago",
            "contact_phone": "(555) 010-4050",
        },
    )
    # Library editors need a home clinic (every account but a superuser has
    # one); this one has no patients.
    library, _ = Clinic.objects.update_or_create(
        slug="consultready-library", defaults={"name": "ConsultReady library", "timezone": "UTC"}
    )
    return clinic, other, library


def _demo_user_specs(clinic: Clinic, other: Clinic, library: Clinic) -> dict[str, dict]:
    def library_editor(name):
        return {"full_name": name, "role": User.Role.CLINICIAN, "clinic": library, "is_staff": True}

    return {
        "admin": {
            "full_name": "Alice Admin",
            "role": User.Role.CLINIC_ADMIN,
            "clinic": clinic,
            "is_staff": True,
        },
        "clinician": {
            "full_name": "Dr Chris Clinician",
            "role": User.Role.CLINICIAN,
            "clinic": clinic,
        },
        "patient": {"full_name": "Pat Demo", "role": User.Role.PATIENT, "clinic": clinic},
        "other-clinician": {
            "full_name": "Dr Olu Other",
            "role": User.Role.CLINICIAN,
            "clinic": other,
        },
        "other-patient": {"full_name": "Oscar Other", "role": User.Role.PATIENT, "clinic": other},
        "editor": library_editor("Eddie Editor"),
        "reviewer": library_editor("Rita Reviewer"),
    }


def _demo_patients_prepare(users: dict[str, User], clinic: Clinic, other: Clinic) -> None:
    """Consultation dates, and both demo patients on the default pathway."""
    for key, by, days, hour, home in (
        ("patient", "clinician", 10, 10, clinic),
        ("other-patient", "other-clinician", 5, 14, other),
    ):
        PatientProfile.objects.update_or_create(
            user=users[key],
            defaults={
                "primary_clinician": users[by],
                "consultation_at": at_hour(timezone.now() + timedelta(days=days), hour, home),
            },
        )
    pathway = default_pathway()
    if pathway is not None:
        for key, by in (("patient", "clinician"), ("other-patient", "other-clinician")):
            enrollment_create(patient=users[key], pathway=pathway, enrolled_by=users[by])


@transaction.atomic
def demo_accounts_create() -> DemoAccounts:
    clinic, other, library = _demo_clinics()
    password_hash = make_password(DEMO_PASSWORD)
    users = {
        key: _upsert_user(f"{key}@{DEMO_DOMAIN}", password_hash=password_hash, **fields)
        for key, fields in _demo_user_specs(clinic, other, library).items()
    }
    users["admin"].groups.add(content_editors_group())
    editors = library_editors_group()
    for key in ("editor", "reviewer"):
        users[key].groups.add(editors)
    for key in STAFF_KEYS:
        totp_device_create_demo(user=users[key], base32_key=DEMO_TOTP_KEY)
    _demo_patients_prepare(users, clinic, other)
    demo_clinic_stage_create(clinic=clinic, admin=users["admin"], pathway=default_pathway())
    return DemoAccounts(clinic=clinic, other_clinic=other, users=users)


def bench_clinic_get(*, slug: str) -> Clinic:
    clinic, _ = Clinic.objects.get_or_create(
        slug=slug, defaults={"name": f"Benchmark clinic {slug}", "timezone": "UTC"}
    )
    return clinic


def default_pathway() -> Pathway | None:
    return Pathway.objects.published().order_by("pk").first()


def at_hour(moment, hour, clinic: Clinic):
    """That day at ``hour`` o'clock in the clinic's own time zone."""
    local = moment.astimezone(clinic.tzinfo)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)
