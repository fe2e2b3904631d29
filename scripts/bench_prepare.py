"""Prepare load-test accounts in the bench database and print them as JSON,
each with a signed-in session (staff: second factor passed), so the load
phases measure pages, not password hashing.

Patients: synthetic patients of the main demo clinic whose first stage is
complete (so they can read lessons, take quiz 1 and save checklist items), with
a known password. Clinicians: one account per concurrent clinician user, each
with its own authenticator (a TOTP code is accepted once per device).
"""

import json
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from importlib import import_module  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402

from accounts.models import Clinic, User  # noqa: E402
from accounts.otp import totp_device_create_demo  # noqa: E402
from education.demo import DEMO_TOTP_KEY  # noqa: E402
from education.models import Enrollment, PathwayModule, QuizAttempt  # noqa: E402

PASSWORD = "bench-password-not-secret"  # noqa: S105 - bench database only
N_PATIENTS = int(os.environ.get("BENCH_ACCOUNTS", "64"))
N_CLINICIANS = 16

clinic = Clinic.objects.get(slug="demo-hair-clinic")
first = PathwayModule.objects.order_by("order").select_related("module__quiz").first()
passed = QuizAttempt.objects.filter(quiz=first.module.quiz, passed=True).values("enrollment_id")
enrollments = (
    Enrollment.objects.filter(clinic=clinic, pk__in=passed)
    .select_related("patient")
    .order_by("pk")[:N_PATIENTS]
)
password_hash = make_password(PASSWORD)
patients = [e.patient for e in enrollments]
User.objects.filter(pk__in=[p.pk for p in patients]).update(password=password_hash)

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def session_for(user, device=None) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["clinic_tz"] = clinic.timezone
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


clinicians = []
for n in range(1, N_CLINICIANS + 1):
    user, _ = User.objects.update_or_create(
        email=f"bench-clinician-{n:02d}@demo.test",
        defaults={"full_name": f"Bench Clinician {n}", "role": "clinician", "clinic": clinic},
    )
    user.password = password_hash
    user.save(update_fields=["password"])
    device = totp_device_create_demo(user=user, base32_key=DEMO_TOTP_KEY)
    clinicians.append({"email": user.email, "session": session_for(user, device)})

first_lessons = list(first.module.lessons.filter(status="published").order_by("order"))
print(
    json.dumps(
        {
            "password": PASSWORD,
            "totp_key": DEMO_TOTP_KEY,
            "patients": [
                {"email": p.email, "session": session_for(User.objects.get(pk=p.pk))}
                for p in patients
            ],
            "clinicians": clinicians,
            "module": first.module.slug,
            "lessons": [lesson.slug for lesson in first_lessons],
            "checklist_items": list(first.pathway.checklist.items.values_list("pk", "ok_answer")),
            "sample_patient_ids": list(
                Enrollment.objects.filter(clinic=clinic)
                .order_by("pk")
                .values_list("patient_id", flat=True)[:200]
            ),
        }
    )
)
