"""Playwright on Debian's Chromium against pytest-django's live server.

Every test here gets the ``browser`` marker. Without ``/usr/bin/chromium`` the
tests are skipped with the install command as the reason, unless
``CONSULTREADY_REQUIRE_BROWSER=1`` (CI) turns that into a failure.

``page_check(page, name)`` is the one call a journey makes on each page it
visits: axe-core (WCAG 2.2 AA tags) at 1280 px and 375 px, no horizontal
scroll at 320 px, and with ``--screenshots`` a full-page PNG of each width in
``docs/screenshots/``.
"""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
MISSING_REASON = "Chromium not installed: apt-get install -y --no-install-recommends chromium"
HERE = Path(__file__).resolve().parent
SCREENSHOT_DIR = HERE.parent.parent / "docs" / "screenshots"

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
NARROW = {"width": 320, "height": 640}


BASE_URL_WARNING = "ignore:Session-scoped fixtures defined as instance methods"


def _browser_required() -> bool:
    return os.environ.get("CONSULTREADY_REQUIRE_BROWSER") == "1"


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots",
        action="store_true",
        default=False,
        help="save full-page screenshots of key pages to docs/screenshots/",
    )


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason=MISSING_REASON)
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        # Transactional (the live server reads what the test writes) with
        # serialized rollback: the flush after each test would otherwise drop
        # what data migrations created (the "Content editors" group) for every
        # test that runs later in the same session.
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        # pytest-base-url (pulled in by pytest-playwright) defines base_url in a way
        # pytest 9 deprecates; not ours to fix.
        item.add_marker(pytest.mark.filterwarnings(BASE_URL_WARNING))
        if not CHROMIUM.exists() and not _browser_required():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        # Only reached with CONSULTREADY_REQUIRE_BROWSER=1: the tests were not skipped.
        pytest.fail(f"{MISSING_REASON} (CONSULTREADY_REQUIRE_BROWSER=1)", pytrace=False)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB"}


def _no_static_handler(application):
    return application


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, but static files come from WhiteNoise as in
    production. Its default StaticFilesHandler looks files up with the finders,
    which know nothing of the hashed names that CompressedManifestStaticFilesStorage
    puts in the pages (DEBUG off), so every stylesheet and htmx itself would 404.
    Needs ``collectstatic`` first, as ``make test`` does."""
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _no_static_handler
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _browser_page(live_server, page):
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)


# --- Accessibility and layout ----------------------------------------------------


def _axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return results.response["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').splitlines()[-1:]}")
            lines.append(f"       {node['html'][:160]}")
    return "\n".join(lines)


@dataclass
class PageChecker:
    """Collects the result of every check so a test can assert once, or at once."""

    screenshots: bool
    results: dict[str, dict[str, int]] = field(default_factory=dict)

    def __call__(
        self, page, name: str, *, screenshot: bool = True, strict: bool = True, axe: bool = True
    ) -> list[str]:
        """``axe=False`` for a page with JavaScript disabled: axe-core cannot run
        there (its promise never settles); the same HTML is checked in the
        journeys that have JavaScript."""
        size = page.viewport_size or DESKTOP
        problems = []
        counts = {}
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            violations = _axe_violations(page) if axe else []
            counts[label] = len(violations) if axe else "not run (no JavaScript)"
            if violations:
                problems.append(
                    f"axe found {len(violations)} violation(s) on {name} ({page.url}) "
                    f"at {viewport['width']} px:\n{format_violations(violations)}"
                )
            if self.screenshots and screenshot:
                SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size(NARROW)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        counts["scroll320"] = scroll_width
        if scroll_width > NARROW["width"]:
            wide = page.evaluate(WIDEST_ELEMENTS_JS, NARROW["width"])
            problems.append(
                f"{name} ({page.url}) scrolls sideways at 320 px: scrollWidth {scroll_width}; "
                f"widest elements: {wide}"
            )
        page.set_viewport_size(size)
        self.results[name] = counts
        if problems and strict:
            pytest.fail("\n\n".join(problems), pytrace=False)
        return problems


WIDEST_ELEMENTS_JS = """(limit) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 1 && el.offsetParent !== null) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string' ? '.' + el.className.trim()
          .split(/\\s+/).join('.') : '') + ' right=' + Math.round(r.right));
    }
  }
  return out.slice(0, 8);
}"""


@pytest.fixture
def page_check(pytestconfig) -> PageChecker:
    return PageChecker(screenshots=pytestconfig.getoption("--screenshots", default=False))


@pytest.fixture
def screenshot(pytestconfig):
    """Save one extra picture (e.g. print media) when --screenshots is given."""

    def save(page, name: str) -> None:
        if pytestconfig.getoption("--screenshots", default=False):
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)

    return save


# --- People and content ----------------------------------------------------------


@pytest.fixture
def curriculum(transactional_db):
    """The real shipped curriculum, published."""
    from education.curriculum.loader import load_curriculum
    from education.models import Pathway

    load_curriculum()
    return Pathway.objects.get()


@pytest.fixture
def totp_device():
    """A confirmed TOTP device with a known key; ``code(device)`` is the current code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(user) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    return make
