"""The one "fragment or page" helper: an htmx swap gets the partial with 200,
everything else (no JavaScript, boosted navigation, history restore) the page."""

from pathlib import Path

import pytest
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from portal.htmx import is_htmx, render_page_or_fragment, wants_fragment

HERE = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _test_templates(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [HERE],
        }
    ]


def make_request(**headers):
    request = RequestFactory().get("/", headers=headers)
    HtmxMiddleware(lambda r: None)(request)
    return request


SWAP = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


@pytest.mark.parametrize(
    ("headers", "fragment", "htmx"),
    [({}, False, False), (SWAP, True, True), (BOOSTED, False, True), (RESTORE, False, True)],
)
def test_only_a_plain_htmx_swap_wants_a_fragment(headers, fragment, htmx):
    request = make_request(**headers)
    assert wants_fragment(request) is fragment
    assert is_htmx(request) is htmx


def test_a_request_without_the_middleware_is_not_htmx():
    request = RequestFactory().get("/", headers=SWAP)
    assert not wants_fragment(request)
    assert not is_htmx(request)


@pytest.mark.parametrize("headers", [{}, BOOSTED, RESTORE])
def test_the_page_comes_whole_with_its_status(headers):
    response = render_page_or_fragment(
        make_request(**headers), "htmx_page.html", {"word": "x"}, fragments="first", status=400
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert body.startswith("<main>page")
    assert "one x" in body


def test_an_htmx_swap_gets_the_partial_alone_with_200():
    response = render_page_or_fragment(
        make_request(**SWAP), "htmx_page.html", {"word": "x"}, fragments="first", status=400
    )
    assert response.status_code == 200
    assert response.content.decode() == '<p id="first">one x</p>'


def test_several_partials_come_one_after_the_other():
    response = render_page_or_fragment(
        make_request(**SWAP), "htmx_page.html", {"word": "x"}, fragments=("first", "second")
    )
    assert response.content.decode() == (
        '<p id="first">one x</p><p id="second" hx-swap-oob="true">two x</p>'
    )


def test_without_fragments_an_htmx_request_gets_the_page():
    response = render_page_or_fragment(make_request(**SWAP), "htmx_page.html", {"word": "x"})
    assert response.content.decode().startswith("<main>page")
