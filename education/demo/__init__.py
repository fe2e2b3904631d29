"""Demo data: two clinics, the demo logins (``accounts``) and synthetic
patients with varied progress (``patients``)."""

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
    "synthetic_patients_create",
]
