"""App servers keep no state: a session made on one is valid on another.

Starts two real gunicorn processes on different ports against the same
PostgreSQL test database (and, when Redis answers, with sessions in Redis)."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection

from tests.builders import PASSWORD, make_patient

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="several app servers share PostgreSQL"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start(port: int, extra_env: dict) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "shared-secret-of-the-cluster-0123456789abcdefghijklmnop",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        **extra_env,
    }
    process = subprocess.Popen(  # noqa: S603 - our own app server
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--error-logfile", "-"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)  # noqa: S310
            return process
        except OSError:  # not listening yet, or slow to answer on a busy machine
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(process.stderr.read().decode()[-2000:])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.parametrize("sessions", ["database", "redis"])
def test_a_session_from_one_server_is_valid_on_another(transactional_db, sessions):
    if sessions == "redis" and not _redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    extra = {"REDIS_URL": "redis://127.0.0.1:6379/15"} if sessions == "redis" else {}
    patient = make_patient()
    # The servers hash with Argon2; the suite's fast test hasher is not theirs.
    hasher = Argon2PasswordHasher()
    patient.password = hasher.encode(PASSWORD, hasher.salt())
    patient.save(update_fields=["password"])

    port_a, port_b = _free_port(), _free_port()
    servers = []
    try:
        servers.append(_start(port_a, extra))
        servers.append(_start(port_b, extra))
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
        form = opener.open(f"http://127.0.0.1:{port_a}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urlencode(
            {"username": patient.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port_a}/accounts/login/",
            data=data,
            headers={"Referer": f"http://127.0.0.1:{port_a}/accounts/login/"},
        )
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(request)
        assert redirect.value.code == 302, "signed in on server A"
        # The same cookie on the other server: still signed in.
        try:
            response = opener.open(f"http://127.0.0.1:{port_b}/")
            status = response.status
            location = ""
        except urllib.error.HTTPError as redirect:
            status, location = redirect.code, redirect.headers.get("Location", "")
        assert status == 302
        assert location == "/learn/", "server B did not recognise server A's session"
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
