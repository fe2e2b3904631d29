import os
import subprocess
import sys
from pathlib import Path

from tests.builders import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SMTP_"))}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "production-like-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_ALLOWED_HOSTS": "portal.example.org",
            "SMTP_HOST": "smtp.example.org",
        }
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_https_responses_carry_hsts_for_a_year_with_subdomains(client, db):
    response = client.get("/", secure=True)
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


def test_session_and_csrf_cookies_are_host_only_secure_httponly_samesite(client, patient):
    client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/", {"username": patient.email, "password": PASSWORD}, secure=True
    )
    session_cookie = response.cookies["__Host-sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    assert session_cookie["path"] == "/"
    csrf_cookie = client.cookies["__Host-csrftoken"]
    assert csrf_cookie["secure"] and csrf_cookie["httponly"]


def test_proxy_ssl_header_is_off_by_default_and_on_when_asked():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    script = (
        "from django.conf import settings; "
        "print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    base = {**env, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    off = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup(); " + script],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )
    on = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup(); " + script],
        cwd=ROOT,
        env={**base, "DJANGO_SECURE_PROXY_SSL_HEADER": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert off.stdout.strip() == "None"
    assert on.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
