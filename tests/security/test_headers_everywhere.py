"""The health check, static files and error pages carry the security headers too."""

import pytest
from django.test import Client, override_settings
from django.urls import path

pytestmark = pytest.mark.django_db


def _assert_baseline(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_health_check_carries_the_security_headers():
    response = Client().get("/healthz")
    assert response.status_code == 200
    _assert_baseline(response)
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_static_file_carries_the_security_headers():
    from django.contrib.staticfiles.storage import staticfiles_storage

    response = Client().get(staticfiles_storage.url("css/site.css"))
    assert response.status_code == 200
    _assert_baseline(response)
    assert response["X-Frame-Options"] == "DENY"


def test_a_not_found_page_carries_the_security_headers():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    _assert_baseline(response)


def test_a_bad_request_page_carries_the_security_headers():
    response = Client(raise_request_exception=False).get("/", headers={"Host": "bad host!"})
    assert response.status_code == 400
    _assert_baseline(response)


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_page_carries_the_security_headers():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    _assert_baseline(response)
