"""Backups are exercised, not only documented: dump the database, restore it
into a scratch database and compare every table's row count."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="backups are of PostgreSQL"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]


def test_backup_restores_with_the_same_rows(transactional_db, patient, clinician):
    AuditEvent.objects.create(action="test.backup", patient=patient, actor=clinician)
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    result = subprocess.run(  # noqa: S603 - our own script
        ["bash", str(ROOT / "scripts" / "backup.sh"), "verify", url],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PGPASSWORD": s["PASSWORD"] or ""},
    )
    assert result.returncode == 0, result.stderr
    assert "restore verified" in result.stdout
