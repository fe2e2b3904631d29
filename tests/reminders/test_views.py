"""The one-click unsubscribe (no sign-in) and the patient's reminder switch."""

import pytest
from django.test import Client
from django.urls import reverse

from reminders.emails import unsubscribe_token
from reminders.models import ClinicReminderSettings, ReminderPreference
from reminders.services import reminders_enabled_for
from tests.conftest import login_client

pytestmark = pytest.mark.django_db


def unsubscribe_url(user) -> str:
    return reverse("reminders:unsubscribe", kwargs={"token": unsubscribe_token(user_id=user.pk)})


def test_the_unsubscribe_link_asks_first_and_a_post_unsubscribes_without_signing_in(patient):
    client = Client(enforce_csrf_checks=True)
    url = unsubscribe_url(patient)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Stop reminder e-mails?" in page.content
    assert reminders_enabled_for(patient)  # a GET (a link scanner) changes nothing
    done = client.post(url)
    assert done.status_code == 200
    assert b"Reminder e-mails stopped" in done.content
    assert not reminders_enabled_for(patient)
    assert ReminderPreference.objects.get(email=patient.email).user == patient


def test_the_rfc_8058_one_click_post_unsubscribes(patient):
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_url(patient),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not reminders_enabled_for(patient)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(patient, other_patient, method):
    token = unsubscribe_token(user_id=patient.pk)
    value, _stamp, signature = token.split(":")
    forged = unsubscribe_token(user_id=other_patient.pk).split(":")[0]
    for bad in (f"{forged}:{_stamp}:{signature}", token[:-2] + "xx", "not-a-token"):
        url = reverse("reminders:unsubscribe", kwargs={"token": bad})
        response = getattr(Client(), method)(url)
        assert response.status_code == 400
        assert b"This link cannot be used" in response.content
    assert reminders_enabled_for(patient)
    assert reminders_enabled_for(other_patient)


def test_the_patient_turns_reminders_off_and_on(patient_client, patient):
    url = reverse("reminders:settings")
    home = patient_client.get(reverse("education:home"))
    assert f'href="{url}"'.encode() in home.content  # in the patient's menu
    page = patient_client.get(url)
    assert b"Reminder e-mails are on." in page.content
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    response = patient_client.post(url, {"enabled": "0"})
    assert response.status_code == 302
    assert not reminders_enabled_for(patient)
    assert b"Turn reminders on" in patient_client.get(url).content
    patient_client.post(url, {"enabled": "1"})
    assert reminders_enabled_for(patient)


def test_a_post_without_a_choice_is_refused_with_a_message(patient_client, patient):
    response = patient_client.post(reverse("reminders:settings"), {"enabled": "maybe"})
    assert response.status_code == 400
    assert b"Choose whether to turn reminders on or off." in response.content
    assert reminders_enabled_for(patient)


def test_one_patient_switching_off_leaves_the_other_patient_alone(patient, other_patient):
    login_client(patient).post(
        reverse("reminders:settings"), {"enabled": "0", "user": other_patient.pk}
    )
    assert not reminders_enabled_for(patient)
    assert reminders_enabled_for(other_patient)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("patient", 200),
        ("other_patient", 200),
        ("clinician", 403),
        ("other_clinic_clinician", 403),
        ("clinic_admin", 403),
    ],
)
def test_only_patients_have_a_reminder_switch(request, persona, expected):
    client = Client() if persona == "anonymous" else login_client(request.getfixturevalue(persona))
    assert client.get(reverse("reminders:settings")).status_code == expected


def test_a_clinic_admin_switches_rules_for_their_own_clinic_only(
    clinic_admin, clinic, other_clinic
):
    own = ClinicReminderSettings.objects.create(clinic=clinic)
    theirs = ClinicReminderSettings.objects.create(clinic=other_clinic)
    client = login_client(clinic_admin)
    change = reverse("admin:reminders_clinicremindersettings_change", args=[own.pk])
    assert client.get(change).status_code == 200
    other = reverse("admin:reminders_clinicremindersettings_change", args=[theirs.pk])
    assert client.get(other).status_code in (302, 403, 404)
    response = client.post(
        change,
        {
            "invitation": "on",
            "not_started": "",
            "stalled": "on",
            "consultation_72h": "on",
            "day_before": "on",
            "clinician_digest": "on",
            "clinic": other_clinic.pk,
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.clinic == clinic
    assert own.rules_off == frozenset({"not_started"})
    theirs.refresh_from_db()
    assert theirs.rules_off == frozenset()
