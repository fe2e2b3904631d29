import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from education.curriculum.loader import load_curriculum
from education.models import Enrollment, QuizAttempt, ReadinessStatus
from education.services import enrollment_snapshot_refresh


@pytest.fixture
def curriculum(db):
    load_curriculum()


def _state():
    return (
        User.objects.count(),
        Enrollment.objects.count(),
        QuizAttempt.objects.count(),
        sorted(Enrollment.objects.values_list("readiness_status", flat=True)),
    )


def test_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo")


def test_creates_the_demo_logins_and_is_idempotent(curriculum, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--patients", "30")
    first = _state()
    call_command("seed_demo", "--patients", "30")
    assert _state() == first
    emails = set(User.objects.filter(email__endswith="@demo.test").values_list("email", flat=True))
    assert {
        "admin@demo.test",
        "clinician@demo.test",
        "patient@demo.test",
        "other-clinician@demo.test",
        "other-patient@demo.test",
    } <= emails
    admin = User.objects.get(email="admin@demo.test")
    assert admin.check_password("consultready-demo")
    assert admin.is_staff and admin.groups.filter(name="Content editors").exists()
    other = User.objects.get(email="other-patient@demo.test")
    assert other.clinic != admin.clinic


def test_synthetic_patients_have_varied_progress_that_matches_a_recompute(curriculum, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--patients", "60", "--force")
    statuses = set(Enrollment.objects.values_list("readiness_status", flat=True))
    assert {ReadinessStatus.NOT_STARTED, ReadinessStatus.READY} <= statuses
    assert len(statuses) >= 3
    assert QuizAttempt.objects.filter(number=1, score__lt=100).exists()
    for enrollment in Enrollment.objects.select_related("pathway")[:60]:
        stored = (enrollment.readiness_status, enrollment.progress_percent, enrollment.open_flags)
        enrollment_snapshot_refresh(enrollment=enrollment, activity=False)
        assert (
            enrollment.readiness_status,
            enrollment.progress_percent,
            enrollment.open_flags,
        ) == stored


def test_staff_demo_accounts_have_the_documented_authenticator_key(curriculum, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.DEBUG = True
    call_command("seed_demo")
    device = TOTPDevice.objects.get(user__email="clinician@demo.test")
    import base64

    assert base64.b32encode(device.bin_key).decode() == "JBSWY3DPEHPK3PXP"
    assert device.confirmed
