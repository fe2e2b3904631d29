"""In-process cost of the hot pages against the bare signed-in view.

Each page is requested through the full middleware stack with Django's test
client, interleaved with the bare view so both see the same machine load; the
figure that matters is the ratio of their medians. ``--profile PAGE`` prints
the top of a cProfile of that page instead.

    python scripts/bench_profile.py                 # table of medians and ratios
    python scripts/bench_profile.py --profile home  # where the time goes
    python scripts/bench_profile.py --pages "clinic home,privacy"  # only these pages
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402

from accounts.models import Clinic, User  # noqa: E402
from accounts.otp import totp_device_create_demo  # noqa: E402
from education.demo import DEMO_TOTP_KEY  # noqa: E402
from education.models import Enrollment, PathwayModule, QuizAttempt  # noqa: E402
from education.views import clinic as clinic_views  # noqa: E402


def patient_client() -> tuple[Client, dict[str, str]]:
    """A patient of the demo clinic who passed stage 1 (lessons and quiz open)."""
    clinic = Clinic.objects.get(slug="demo-hair-clinic")
    first = PathwayModule.objects.order_by("order").select_related("module__quiz").first()
    passed = QuizAttempt.objects.filter(quiz=first.module.quiz, passed=True)
    enrollment = (
        Enrollment.objects.filter(clinic=clinic, pk__in=passed.values("enrollment_id"))
        .order_by("pk")
        .first()
    )
    client = Client()
    client.force_login(enrollment.patient)
    lesson = first.module.lessons.filter(status="published").order_by("order").first()
    second = PathwayModule.objects.order_by("order").select_related("module")[1].module
    return client, {
        "home": "/learn/",
        "lesson": f"/learn/{first.module.slug}/{lesson.slug}/",
        "quiz": f"/learn/{first.module.slug}/quiz/",
        "quiz-2": f"/learn/{second.slug}/quiz/",
        "summary": "/learn/summary/",
        "privacy": "/privacy/",
    }


def clinician_client() -> Client:
    clinic = Clinic.objects.get(slug="demo-hair-clinic")
    user, _ = User.objects.update_or_create(
        email="bench-profile-clinician@demo.test",
        defaults={"full_name": "Bench Profile", "role": "clinician", "clinic": clinic},
    )
    device = totp_device_create_demo(user=user, base32_key=DEMO_TOTP_KEY)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session["clinic_tz"] = clinic.timezone
    session.save()
    return client


def clinic_urls() -> dict[str, str]:
    enrollment = Enrollment.objects.filter(clinic__slug="demo-hair-clinic").order_by("pk").first()
    return {"clinic home": "/clinic/", "brief": f"/clinic/patients/{enrollment.patient_id}/"}


def timed(client: Client, url: str, *, cold: bool = False) -> tuple[float, float]:
    """Wall and CPU milliseconds of one request (CPU: this process only, so
    it leaves out the database's share and time waiting for a core). ``cold``
    empties the cache first (outlines, cached rows, the clinic rows kept in the
    process), outside the timing."""
    if cold:
        cache.clear()
        getattr(clinic_views, "_ROWS_IN_PROCESS", {}).clear()  # rows kept in the process
    start, start_cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code} {response.get('Location', '')}")
    return elapsed * 1000, cpu * 1000


def measure(rounds: int, only: set[str], *, cold: bool = False) -> list[dict]:
    patient, urls = patient_client()
    clinician = clinician_client()
    pages = [(patient, name, url) for name, url in urls.items()]
    pages += [(clinician, name, url) for name, url in clinic_urls().items()]
    if only:
        pages = [page for page in pages if page[1] in only]
    rows = []
    for client, name, url in pages:
        for _ in range(3):  # warm caches and connections
            timed(client, url), timed(client, "/bench/bare")
        page, bare = [], []
        for _ in range(rounds):
            bare.append(timed(client, "/bench/bare"))
            page.append(timed(client, url, cold=cold))
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        rows.append(
            {
                "page": name,
                "ms": statistics.median(t for t, _ in page),
                "bare_ms": statistics.median(t for t, _ in bare),
                "cpu_ms": statistics.median(c for _, c in page),
                "bare_cpu_ms": statistics.median(c for _, c in bare),
                "queries": len(queries),
            }
        )
    return rows


def profile(name: str, rounds: int, sort: str, lines: int) -> None:
    patient, urls = patient_client()
    clinician = clinician_client()
    staff_pages = clinic_urls()
    client, url = (clinician, staff_pages[name]) if name in staff_pages else (patient, urls[name])
    for _ in range(3):
        timed(client, url)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(rounds):
        client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(sort).print_stats(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--profile", metavar="PAGE")
    parser.add_argument("--sort", default="cumulative", help="cumulative or tottime")
    parser.add_argument("--lines", type=int, default=45, help="lines of the profile to print")
    parser.add_argument(
        "--pages", default="", help="comma-separated pages to measure (default: all)"
    )
    parser.add_argument(
        "--cold", action="store_true", help="empty the cache before each page request"
    )
    args = parser.parse_args()
    if args.cold and settings.SESSION_ENGINE.endswith(".cache"):
        parser.error("--cold empties the cache, which holds the sessions here (REDIS_URL)")
    if args.profile:
        profile(args.profile, args.rounds, args.sort, args.lines)
        return
    print(
        "medians of",
        args.rounds,
        "requests each, interleaved with the bare view",
        "(cache emptied before each page request)" if args.cold else "",
    )
    print(
        f"{'page':<12} {'wall ms':>8} {'bare':>6} {'ratio':>6}"
        f" {'cpu ms':>8} {'bare':>6} {'ratio':>6} {'queries':>8}"
    )
    for row in measure(
        args.rounds, {p.strip() for p in args.pages.split(",") if p.strip()}, cold=args.cold
    ):
        print(
            f"{row['page']:<12} {row['ms']:>8.1f} {row['bare_ms']:>6.1f}"
            f" {row['bare_ms'] / row['ms']:>6.2f} {row['cpu_ms']:>8.1f}"
            f" {row['bare_cpu_ms']:>6.1f} {row['bare_cpu_ms'] / row['cpu_ms']:>6.2f}"
            f" {row['queries']:>8}"
        )


if __name__ == "__main__":
    main()
