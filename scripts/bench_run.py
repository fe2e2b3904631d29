"""`make bench`, step 2: drive the running app with locust, measure cost growth
in-process, print a table and write JSON. Run by scripts/bench.sh."""

import csv
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, F  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402

from accounts.models import Clinic, User  # noqa: E402
from accounts.otp import totp_device_create_demo  # noqa: E402
from education.models import Enrollment, QuizAttempt  # noqa: E402

HOST = os.environ.get("BENCH_HOST", "http://127.0.0.1:8100")
USERS = int(os.environ.get("BENCH_USERS", "16"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
OUT = ROOT / "bench-results"
ACCOUNTS_FILE = OUT / "accounts.json"

PHASES = [
    ("bare view (patient)", "BarePatient"),
    ("patient home", "PatientHome"),
    ("lesson", "Lesson"),
    ("quiz form", "QuizForm"),
    ("bare view (clinician)", "BareClinician"),
    ("clinician dashboard", "Dashboard"),
    ("patient mix", "PatientMix"),
    ("clinician mix", "ClinicianMix"),
]

# The targets `make bench` holds the pages to, against the bare view of the
# same role in the same run: (page phase, bare phase, least throughput ratio).
THROUGHPUT_TARGETS = [
    ("patient home", "bare view (patient)", 0.5),
    ("lesson", "bare view (patient)", 0.5),
    ("quiz form", "bare view (patient)", 0.5),
    ("clinician dashboard", "bare view (clinician)", 0.33),
]
# A page's p99 stays under this many times the bare view's p99.
P99_FACTOR = 4


def run_phase(label: str, user_class: str) -> list[dict]:
    prefix = OUT / f"locust-{user_class}"
    counts = OUT / f"counts-{user_class}.json"
    env = {
        **os.environ,
        "BENCH_ACCOUNTS_FILE": str(ACCOUNTS_FILE),
        "BENCH_COUNTS_FILE": str(counts),
    }
    before = QuizAttempt.objects.count()
    subprocess.run(  # noqa: S603 - our own locust run
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "scripts" / "locustfile.py"),
            "--headless", "--only-summary", "-u", str(USERS), "-r", str(USERS),
            "-t", f"{SECONDS}s", "--host", HOST, "--csv", str(prefix),
            "--stop-timeout", "5", user_class,
        ],
        check=True,
        env=env,
        capture_output=True,
    )  # fmt: skip
    stored = QuizAttempt.objects.count() - before
    submitted = json.loads(counts.read_text())["count"] if counts.exists() else 0
    rows = []
    with open(f"{prefix}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] in {"Aggregated", "session check"}:
                continue
            rows.append(
                {
                    "phase": label,
                    "page": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"]),
                    "p95": float(row["95%"]),
                    "p99": float(row["99%"]),
                }
            )
    if user_class == "PatientMix":
        rows.append(
            {"phase": label, "page": "quiz answers", "submitted": submitted, "stored": stored}
        )
    return rows


def _health(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def fault_phase() -> dict:
    """Restart PostgreSQL during a patient load run: requests may fail while it
    is down, the app must recover by itself, /healthz must report the outage,
    and no quiz attempt may be half-written."""
    prefix = OUT / "locust-fault"
    env = {**os.environ, "BENCH_ACCOUNTS_FILE": str(ACCOUNTS_FILE)}
    locust = subprocess.Popen(  # noqa: S603
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "scripts" / "locustfile.py"),
            "--headless", "--only-summary", "-u", "8", "-r", "8", "-t", "25s",
            "--host", HOST, "--csv", str(prefix), "--stop-timeout", "5", "PatientMix",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(5)
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    restarted_at = time.monotonic()
    restart = subprocess.Popen(  # noqa: S603
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart", "-m", "fast"],  # noqa: S607
    )
    # Poll /healthz all through the restart: it must report the outage, then recover.
    seen_outage, recovered_after, database_back = False, None, None
    while time.monotonic() - restarted_at < 60:
        if database_back is None and restart.poll() is not None:
            database_back = time.monotonic() - restarted_at
        status = _health(f"{HOST}/healthz")
        seen_outage = seen_outage or status == 503
        if status == 200 and database_back is not None:
            recovered_after = time.monotonic() - restarted_at
            break
        time.sleep(0.05)
    if restart.wait() != 0:
        raise RuntimeError("PostgreSQL did not restart")
    locust.wait()
    connection.close()
    failures = total = 0
    with open(f"{prefix}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                failures = int(row["Failure Count"])
                total = int(row["Request Count"])
    questions = Count("quiz__questions", distinct=True)
    answers = Count("answers", distinct=True)
    half_written = QuizAttempt.objects.annotate(q=questions, a=answers).exclude(q=F("a")).count()
    return {
        "requests": total,
        "failed_requests": failures,
        "database_restart_s": round(database_back or 0, 2),
        "healthz_saw_outage": seen_outage,
        "app_healthy_after_s": round(recovered_after, 2) if recovered_after else None,
        "half_written_attempts": half_written,
    }


def staff_client(clinic: Clinic) -> Client:
    user, _ = User.objects.get_or_create(
        email=f"bench-cost-{clinic.slug}@demo.test",
        defaults={"full_name": "Bench Cost", "role": "clinician", "clinic": clinic},
    )
    device = totp_device_create_demo(user=user, base32_key="JBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def timed(client: Client, url: str, repeat: int = 5) -> tuple[float, int]:
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}: {body[:200]!r}")
        queries = len(captured.captured_queries)
    return statistics.median(times), queries


def export_memory(client: Client) -> float:
    tracemalloc.start()
    response = client.get("/clinic/export.csv")
    for _chunk in response.streaming_content:
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def cost_growth() -> list[dict]:
    rows = []
    clinics = Clinic.objects.filter(slug__regex=r"^bench-[0-9]+$").annotate(n=Count("enrollments"))
    for clinic in sorted(clinics, key=lambda c: c.n):
        slug, n = clinic.slug, clinic.n
        client = staff_client(clinic)
        last_page = max(1, (n + 24) // 25)
        row = {"clinic": slug, "patients": n}
        some_patient = (
            Enrollment.objects.filter(clinic=clinic).values_list("patient_id", flat=True).first()
        )
        for key, url in (
            ("first_page", "/clinic/"),
            ("deep_page", f"/clinic/?page={last_page}"),
            ("filtered", "/clinic/?status=4_ready&within=30"),
            ("search", "/clinic/?q=smith"),
            ("brief", f"/clinic/patients/{some_patient}/"),
        ):
            ms, queries = timed(client, url)
            row[f"{key}_ms"] = round(ms, 1)
            row[f"{key}_queries"] = queries
        ms, _ = timed(client, "/clinic/export.csv", repeat=1)
        row["export_ms"] = round(ms, 1)
        row["export_peak_mib"] = round(export_memory(client), 1)
        rows.append(row)
    return rows


def target_checks(load: list[dict]) -> list[dict]:
    """Each page against the bare view of its role: throughput ratio and p99."""
    phases = {r["phase"]: r for r in load if "rps" in r}
    checks = []
    for page, bare, least in THROUGHPUT_TARGETS:
        if page not in phases or bare not in phases:
            continue
        ratio = phases[page]["rps"] / max(phases[bare]["rps"], 1e-9)
        checks.append(
            {
                "what": f"{page}: throughput / bare",
                "measured": round(ratio, 2),
                "target": least,
                "met": ratio >= least,
            }
        )
        p99 = phases[page]["p99"] / max(phases[bare]["p99"], 1e-9)
        checks.append(
            {
                "what": f"{page}: p99 / bare p99",
                "measured": round(p99, 2),
                "target": P99_FACTOR,
                "met": p99 < P99_FACTOR,
            }
        )
    return checks


def main():
    started = datetime.now(UTC)
    load = []
    for label, user_class in PHASES:
        print(f"  load phase: {label} ({USERS} users, {SECONDS}s)", flush=True)
        load.extend(run_phase(label, user_class))
    print("  cost growth in-process (the bench-<n> clinics)", flush=True)
    growth = cost_growth()
    fault = None
    if os.environ.get("BENCH_FAULT", "1") == "1":
        print("  fault: restart PostgreSQL under load", flush=True)
        fault = fault_phase()

    checks = target_checks(load)
    result = {
        "started": started.isoformat(),
        "users": USERS,
        "seconds": SECONDS,
        "load": load,
        "targets": checks,
        "cost_growth": growth,
        "fault": fault,
    }
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench-{started:%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=2))

    print(
        f"\n{'phase':<24}{'page':<30}{'req':>7}{'fail':>6}{'req/s':>8}{'p50':>6}{'p95':>6}{'p99':>6}"
    )
    for r in load:
        if "rps" in r:
            print(
                f"{r['phase']:<24}{r['page']:<30}{r['requests']:>7}{r['failures']:>6}"
                f"{r['rps']:>8.1f}{r['p50']:>6.0f}{r['p95']:>6.0f}{r['p99']:>6.0f}"
            )
        else:
            print(
                f"{r['phase']:<24}{r['page']:<30} submitted {r['submitted']}, stored {r['stored']}"
            )
    print(f"\n{'target (same run, against the bare view)':<52}{'measured':>10}{'target':>10}")
    for check in checks:
        verdict = "met" if check["met"] else "MISSED"
        print(f"{check['what']:<52}{check['measured']:>10}{check['target']:>10}  {verdict}")
    columns = ("first", "deep", "filter", "search", "brief")
    print(
        f"\n{'clinic (ms)':<18}{'patients':>9}"
        + "".join(f"{c:>8}" for c in columns)
        + f"{'csv ms':>9}{'csv MiB':>9}{'queries':>9}"
    )
    for g in growth:
        print(
            f"{g['clinic']:<18}{g['patients']:>9}{g['first_page_ms']:>8}{g['deep_page_ms']:>8}"
            f"{g['filtered_ms']:>8}{g['search_ms']:>8}{g['brief_ms']:>8}{g['export_ms']:>9}"
            f"{g['export_peak_mib']:>9}{g['first_page_queries']:>9}"
        )
    if fault:
        print(f"\nPostgreSQL restart under load: {fault}")
    print(f"\nwritten: {path.relative_to(ROOT)}")
    missed = [c["what"] for c in checks if not c["met"]]
    if missed:
        print(f"\ntargets missed: {', '.join(missed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
