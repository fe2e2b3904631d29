"""Demo data: two clinics, the demo logins (``accounts``) and synthetic
patients with varied progress (``patients``), and the demo clinician's
consultations this week (``schedule``)."""

from .accounts import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_TOTP_KEY,
    STAFF_KEYS,
    SYNTHETIC_PREFIX,
    DemoAccounts,
    bench_clinic_get,
    default_pathway,
    demo_accounts_create,
)
from .patients import synthetic_patients_create
from .schedule import demo_week_book, demo_week_times

__all__ = [
    "DEMO_DOMAIN",
    "DEMO_PASSWORD",
    "DEMO_TOTP_KEY",
    "STAFF_KEYS",
    "SYNTHETIC_PREFIX",
    "DemoAccounts",
    "bench_clinic_get",
    "default_pathway",
    "demo_accounts_create",
    "demo_week_book",
    "demo_week_times",
    "synthetic_patients_create",
]
