"""Demo data: two clinics, the demo logins (``accounts``) and synthetic
patients with varied progress (``patients``), the demo clinician's
consultations this week (``schedule``), and the demo patient's reading of
the first stage in its first published version (``reading``)."""

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
from .reading import demo_first_edition_read
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
    "demo_first_edition_read",
    "demo_week_book",
    "demo_week_times",
    "synthetic_patients_create",
]
