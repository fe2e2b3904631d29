"""Every page's icons answer: browsers ask for /favicon.ico whatever a page links."""

import pytest


def test_favicon_ico_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_favicon_refuses_post(client):
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.django_db
def test_pages_link_the_icons(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/favicon.ico"' in html
    assert 'type="image/svg+xml"' in html
    assert 'rel="apple-touch-icon"' in html
