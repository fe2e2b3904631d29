"""Second factor helpers around django-otp: enrolment, QR code, backup codes.

Enrolment never stores a secret before it is confirmed: each visit to the setup page
draws a fresh key that lives only in that browser session, so nobody else who can sign
in with the password can learn the key the owner is about to confirm.
"""

import base64
import secrets
import time
from binascii import unhexlify

import segno
from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

BACKUP_CODE_COUNT = 8
ENROLMENT_KEY_SESSION = "otp_enrolment_key"
DEVICE_NAME = "Authenticator app"


def enrolment_key_new(session) -> str:
    """A fresh TOTP key (hex) for this session's setup page, replacing any other."""
    key = random_hex(20)
    session[ENROLMENT_KEY_SESSION] = key
    return key


def enrolment_key(session) -> str | None:
    return session.get(ENROLMENT_KEY_SESSION)


def enrolment_device(user, key: str) -> TOTPDevice:
    """An unsaved device for the key, to draw its QR code and secret."""
    return TOTPDevice(user=user, name=DEVICE_NAME, key=key, confirmed=False)


def enrolment_token_matches(key: str, token: str) -> int | None:
    """The time step the code belongs to when it fits ``key`` (one step of clock
    drift allowed), else None."""
    token = token.strip()
    if not (token.isdigit() and len(token) == 6):
        return None
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    now_step = totp.t()
    for drift in (0, -1, 1):
        totp.drift = drift
        if secrets.compare_digest(f"{totp.token():06d}", token):
            return now_step + drift
    return None


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG, drawn here (no external service)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=f"{settings.OTP_TOTP_ISSUER} authenticator QR code"
    )


@transaction.atomic
def totp_device_confirm(*, user, key: str, step: int) -> tuple[TOTPDevice, list[str]]:
    """Save the confirmed authenticator for ``key`` and issue fresh backup codes
    (shown once). The code just used cannot be used again (``last_t``)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=step
    )
    static, _created = StaticDevice.objects.get_or_create(
        user=device.user, name="Backup codes", defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return device, codes


def totp_device_create_demo(*, user, base32_key: str) -> TOTPDevice:
    """A confirmed authenticator with a known key, for the demo accounts only."""
    hex_key = base64.b32decode(base32_key).hex()
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name="Demo authenticator", key=hex_key, confirmed=True
    )
