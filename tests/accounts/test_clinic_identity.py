"""A clinic's own identity: name, logo, accent colour, phone and address, shown on
the pages its patients see and edited by its own admin."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.identity import (
    clinic_header_for,
    clinic_identity,
    contrast_ratio,
    validate_accent_colour,
    validate_logo,
)
from accounts.models import Clinic
from tests.builders import make_clinic

# --- Pure rules --------------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size=(40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 90, 140)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_contrast_ratio_matches_wcag_figures():
    assert contrast_ratio("#000000") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)


def test_an_accent_colour_with_enough_contrast_is_accepted():
    validate_accent_colour("#005a8c")
    validate_accent_colour("#767676")


def test_a_pale_accent_colour_is_refused_with_its_ratio():
    with pytest.raises(ValidationError) as caught:
        validate_accent_colour("#777777")
    message = caught.value.messages[0]
    assert "4.47:1" in message
    assert "at least 4.5:1" in message


@pytest.mark.parametrize("value", ["005a8c", "#05a", "#00zz8c", "blue", "#005a8c; x"])
def test_an_accent_colour_must_be_six_hex_digits(value):
    with pytest.raises(ValidationError, match="six hexadecimal digits"):
        validate_accent_colour(value)


@pytest.mark.parametrize(
    ("name", "fmt"), [("logo.png", "PNG"), ("logo.jpg", "JPEG"), ("logo.webp", "WEBP")]
)
def test_png_jpeg_and_webp_logos_are_accepted(name, fmt):
    validate_logo(upload(name, image_bytes(fmt)))


def test_an_svg_logo_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ValidationError, match="PNG, JPEG or WebP"):
        validate_logo(upload("logo.svg", svg))


def test_a_gif_logo_is_refused():
    with pytest.raises(ValidationError, match="PNG, JPEG or WebP"):
        validate_logo(upload("logo.gif", image_bytes("GIF")))


def test_a_logo_whose_name_does_not_match_its_header_is_refused():
    with pytest.raises(ValidationError, match="PNG, JPEG or WebP"):
        validate_logo(upload("logo.png", image_bytes("JPEG")))


def test_html_named_png_is_refused():
    with pytest.raises(ValidationError, match="PNG, JPEG or WebP"):
        validate_logo(upload("logo.png", b"<html><script>alert(1)</script></html>"))


def test_a_logo_over_512_kb_is_refused():
    content = image_bytes("PNG") + b"\0" * (512 * 1024)
    with pytest.raises(ValidationError, match="most allowed is 512 KB"):
        validate_logo(upload("logo.png", content))


def test_a_huge_logo_is_refused():
    with pytest.raises(ValidationError, match="pixels"):
        validate_logo(upload("logo.png", image_bytes("PNG", size=(2400, 10))))


# --- On every page -----------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def branded_clinic(clinic, media):
    clinic.display_name = "Riverside Hair & Scalp"
    clinic.contact_phone = "+44 20 7946 0000"
    clinic.address = "1 River Street"
    clinic.accent_colour = "#6a1b9a"
    clinic.logo.save("logo.png", io.BytesIO(image_bytes("PNG")), save=False)
    clinic.full_clean()
    clinic.save()
    return clinic


def test_every_patient_page_shows_the_clinic_name_and_phone(branded_clinic, patient_client):
    for url in ("/learn/", "/learn/summary/", "/learn/questions/"):
        html = patient_client.get(url).content.decode()
        header = html.split('<header class="site-header">')[1].split("</header>")[0]
        footer = html.split('<footer class="site-footer">')[1].split("</footer>")[0]
        assert "Riverside Hair &amp; Scalp" in header, url
        assert 'class="brand-logo"' in header, url
        assert 'href="tel:+44 20 7946 0000"' in footer, url
        assert "/accounts/clinic/theme.css" in html, url


def test_without_a_display_name_the_clinic_name_shows(clinic, patient_client):
    html = patient_client.get("/learn/").content.decode()
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert "Demo Hair Clinic" in header
    assert "brand-logo" not in header
    assert "theme.css" not in html


def test_signed_out_pages_show_the_site_name_only(db, client):
    html = client.get("/accounts/login/").content.decode()
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert "ConsultReady" in header
    assert "footer-clinic" not in html


def test_the_clinic_is_looked_up_once_then_cached(patient, django_assert_num_queries, rf):
    from accounts.models import User

    request = rf.get("/")
    request.user = User.objects.get(pk=patient.pk)
    with django_assert_num_queries(1):
        identity = clinic_identity(request)["clinic_identity"]
        assert identity.name == "Demo Hair Clinic"
        assert identity.phone == "555-0100"
        assert clinic_header_for(request.user).name == "Demo Hair Clinic"
    request.user = User.objects.get(pk=patient.pk)
    with django_assert_num_queries(0):
        assert clinic_identity(request)["clinic_identity"].name == "Demo Hair Clinic"


def test_a_saved_clinic_shows_its_new_name_on_the_next_page(clinic, patient_client):
    patient_client.get("/learn/")
    clinic.display_name = "Renamed Clinic"
    clinic.save()
    html = patient_client.get("/learn/").content.decode()
    assert "Renamed Clinic" in html.split("</header>")[0]


def test_the_logo_is_served_with_its_checked_type_and_no_sniffing(branded_clinic, patient_client):
    response = patient_client.get("/accounts/clinic/logo")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="logo.png"'
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_another_clinics_people_get_their_own_clinics_logo_or_404(
    branded_clinic, other_clinic_client
):
    assert other_clinic_client.get("/accounts/clinic/logo").status_code == 404


def test_the_logo_needs_a_signed_in_person(branded_clinic, client):
    response = client.get("/accounts/clinic/logo")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_theme_sets_the_accent_colour(branded_clinic, patient_client):
    response = patient_client.get("/accounts/clinic/theme.css")
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "--brand: #6a1b9a;" in response.content.decode()


# --- The clinic admin edits their own clinic's identity ------------------------------------


def identity_form(**overrides) -> dict:
    values = {
        "display_name": "Demo Hair",
        "accent_colour": "#005a8c",
        "contact_phone": "555-0199",
        "address": "2 Hill Road",
    }
    values.update(overrides)
    return values


def test_the_clinic_admin_changes_their_clinics_identity(clinic, clinic_admin_client, media):
    url = f"/admin/accounts/clinicidentity/{clinic.pk}/change/"
    assert clinic_admin_client.get(url).status_code == 200
    form = identity_form(logo=upload("logo.webp", image_bytes("WEBP")))
    response = clinic_admin_client.post(url, form)
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.display_name == "Demo Hair"
    assert clinic.contact_phone == "555-0199"
    assert clinic.logo.name.endswith(".webp")


def test_a_pale_accent_colour_is_refused_in_the_admin_with_its_ratio(clinic, clinic_admin_client):
    url = f"/admin/accounts/clinicidentity/{clinic.pk}/change/"
    response = clinic_admin_client.post(url, identity_form(accent_colour="#ffcc00"))
    assert response.status_code == 200
    assert "contrast ratio of 1.51:1 against white" in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.accent_colour == ""


def test_an_svg_logo_is_refused_in_the_admin(clinic, clinic_admin_client, media):
    url = f"/admin/accounts/clinicidentity/{clinic.pk}/change/"
    svg = upload("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    response = clinic_admin_client.post(url, identity_form(logo=svg))
    assert response.status_code == 200
    clinic.refresh_from_db()
    assert not clinic.logo


def test_a_clinic_admin_cannot_open_another_clinics_identity(
    clinic, other_clinic, clinic_admin_client
):
    url = f"/admin/accounts/clinicidentity/{other_clinic.pk}/change/"
    response = clinic_admin_client.get(url)
    assert response.status_code == 302  # the admin's "does not exist" redirect
    response = clinic_admin_client.post(url, identity_form(display_name="Taken over"))
    other_clinic.refresh_from_db()
    assert other_clinic.display_name == ""
    assert Clinic.objects.filter(display_name="Taken over").count() == 0


def test_the_identity_list_shows_only_their_own_clinic(clinic, other_clinic, clinic_admin_client):
    html = clinic_admin_client.get("/admin/accounts/clinicidentity/").content.decode()
    assert clinic.name in html
    assert other_clinic.name not in html


def test_a_clinician_cannot_edit_the_clinic_identity(clinic, clinician_client):
    url = f"/admin/accounts/clinicidentity/{clinic.pk}/change/"
    assert clinician_client.get(url).status_code in (302, 403)


def test_make_clinic_default_is_valid(db):
    make_clinic().full_clean()
