"""Every admin change to accounts, roles and clinics is an audit event written
by the one audit writer: ids, field names, choices and flags, never free text.
The clinic admin's audit log shows their own clinic's."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.forms import MultiWidget

from accounts.models import Clinic, User
from audit.models import AuditEvent
from tests.builders import make_clinic, make_patient, make_staff
from tests.conftest import login_client

EMPTY_PROFILE_INLINE = {
    "patient_profile-TOTAL_FORMS": "0",
    "patient_profile-INITIAL_FORMS": "0",
}


def _posted(value):
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def form_data(client, url) -> dict:
    """What the admin's change form would send back untouched, inlines included."""
    response = client.get(url)
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            widget = bound.field.widget
            if value is None or value is False or value == "" or value == []:
                continue
            if isinstance(widget, MultiWidget):
                for i, part in enumerate(widget.decompress(value)):
                    data[f"{bound.html_name}_{i}"] = _posted(part)
            elif value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [_posted(getattr(v, "pk", v)) for v in value]
            else:
                data[bound.html_name] = _posted(value)
    return data


def change(client, user, **changes):
    url = f"/admin/accounts/user/{user.pk}/change/"
    data = form_data(client, url)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def only_event(action):
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, [e.action for e in AuditEvent.objects.all()]
    return events[0]


# --- A clinic admin on their clinic's staff ----------------------------------------


def test_deactivating_a_clinician_is_audited_for_the_clinic(
    clinic_admin_client, clinic_admin, clinician, clinic
):
    change(clinic_admin_client, clinician, is_active=None)
    event = only_event("accounts.user.changed")
    assert event.actor == clinic_admin
    assert event.clinic == clinic
    assert event.patient is None
    assert event.ip_address == "127.0.0.1"
    assert event.detail == {
        "user": clinician.pk,
        "fields": ["is_active"],
        "access": {"is_active": [True, False]},
    }


def test_a_role_change_records_the_old_and_new_role(clinic_admin_client, clinician):
    change(clinic_admin_client, clinician, role="clinic_admin")
    event = only_event("accounts.user.changed")
    assert event.detail["access"] == {"role": ["clinician", "clinic_admin"]}


def test_a_rename_names_the_field_never_the_name(clinic_admin_client, clinician):
    change(clinic_admin_client, clinician, full_name="Dr Zoë O'Neill-Ramírez")
    event = only_event("accounts.user.changed")
    assert event.detail == {"user": clinician.pk, "fields": ["full_name"], "access": {}}
    assert "Zoë" not in str(event.detail) and clinician.email not in str(event.detail)


def test_saving_without_a_change_writes_nothing(clinic_admin_client, clinician):
    change(clinic_admin_client, clinician)
    assert not AuditEvent.objects.filter(action__startswith="accounts.user.").exists()


def test_a_refused_change_writes_nothing(clinic_admin_client, clinician):
    url = f"/admin/accounts/user/{clinician.pk}/change/"
    data = {**form_data(clinic_admin_client, url), "role": "patient"}
    assert clinic_admin_client.post(url, data).status_code == 200
    assert not AuditEvent.objects.filter(action__startswith="accounts.user.").exists()


def test_clinic_admin_audit_log_lists_own_clinic_admin_changes_only(
    clinic_admin_client, clinician, other_clinic_clinician
):
    change(clinic_admin_client, clinician, is_active=None)
    other_admin = make_staff(
        clinic=other_clinic_clinician.clinic, role=User.Role.CLINIC_ADMIN, is_staff=True
    )
    other_client = login_client(other_admin)
    change(other_client, other_clinic_clinician, role="clinic_admin")
    mine = clinic_admin_client.get("/admin/audit/auditevent/?action=accounts.user.changed")
    assert mine.status_code == 200
    assert [e.pk for e in mine.context["cl"].result_list] == [only_event_for(clinician.clinic).pk]
    theirs = other_client.get("/admin/audit/auditevent/?action=accounts.user.changed")
    assert [e.clinic_id for e in theirs.context["cl"].result_list] == [
        other_clinic_clinician.clinic_id
    ]


def only_event_for(clinic):
    return AuditEvent.objects.get(action="accounts.user.changed", clinic=clinic)


# --- A superuser on accounts, groups, profiles and clinics --------------------------


def test_adding_an_account_is_audited_without_the_password(superuser_client, superuser, clinic):
    response = superuser_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "new.clinician@example.test",
            "full_name": "New Clinician",
            "role": "clinician",
            "clinic": str(clinic.pk),
            "usable_password": "true",
            "password1": "a-long-enough-passphrase-42",
            "password2": "a-long-enough-passphrase-42",
            **EMPTY_PROFILE_INLINE,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.clinician@example.test")
    event = only_event("accounts.user.added")
    assert event.actor == superuser and event.clinic == clinic
    assert event.detail["user"] == user.pk
    assert event.detail["access"]["role"] == [None, "clinician"]
    assert event.detail["access"]["clinic"] == [None, clinic.pk]
    assert "passphrase" not in str(event.detail)
    assert not {"password1", "password2"} & set(event.detail["fields"])


def test_moving_an_account_and_its_groups_records_ids(superuser_client, clinician, other_clinic):
    editors = Group.objects.create(name="Trainees")
    change(superuser_client, clinician, clinic=str(other_clinic.pk), groups=[str(editors.pk)])
    event = only_event("accounts.user.changed")
    assert event.clinic == other_clinic
    assert event.detail["access"] == {
        "clinic": [clinician.clinic_id, other_clinic.pk],
        "groups": [[], [editors.pk]],
    }


def test_a_patient_profile_change_is_filed_under_the_patient_without_its_values(
    superuser_client, clinic, clinician, pathway
):
    patient = make_patient(clinic=clinic, pathway=pathway)
    change(
        superuser_client,
        patient,
        **{
            "patient_profile-0-primary_clinician": str(clinician.pk),
            "patient_profile-0-record_number": "MRN-55821",
        },
    )
    event = only_event("accounts.user.changed")
    assert event.patient == patient and event.clinic == clinic
    assert event.detail["inlines"] == {
        "patientprofile": {
            "fields": ["primary_clinician", "record_number"],
            "access": {"primary_clinician": [None, clinician.pk]},
        }
    }
    assert "MRN-55821" not in str(event.detail)


def test_deleting_an_account_is_audited_for_its_clinic(superuser_client, clinic):
    doomed = make_staff(clinic=clinic)
    pk = doomed.pk
    response = superuser_client.post(f"/admin/accounts/user/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=pk).exists()
    event = only_event("accounts.user.deleted")
    assert event.clinic == clinic and event.patient is None
    assert event.detail == {"user": pk}


def test_setting_a_password_is_audited_without_it(superuser_client, clinician):
    response = superuser_client.post(
        f"/admin/accounts/user/{clinician.pk}/password/",
        {
            "password1": "another-long-passphrase-77",
            "password2": "another-long-passphrase-77",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    event = only_event("accounts.user.password_set")
    assert event.detail == {"user": clinician.pk}


def test_clinic_add_and_change_are_audited(superuser_client):
    response = superuser_client.post(
        "/admin/accounts/clinic/add/",
        {"name": "Eastside Hair", "slug": "eastside", "timezone": "UTC"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Clinic.objects.get(slug="eastside")
    assert only_event("accounts.clinic.added").clinic == added

    url = f"/admin/accounts/clinic/{added.pk}/change/"
    data = {**form_data(superuser_client, url), "timezone": "Europe/London"}
    assert superuser_client.post(url, data).status_code == 302
    event = only_event("accounts.clinic.changed")
    assert event.clinic == added and event.detail["fields"] == ["timezone"]


def test_clinic_delete_is_audited_by_id(superuser_client):
    # Only a clinic without history can be deleted (tests/accounts/test_admin_delete.py).
    doomed = make_clinic()
    pk = doomed.pk
    response = superuser_client.post(f"/admin/accounts/clinic/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    event = only_event("accounts.clinic.deleted")
    assert event.detail == {"clinic": pk} and event.clinic_id != pk


def test_clinic_admin_editing_their_clinics_identity_is_audited(clinic_admin_client, clinic):
    url = f"/admin/accounts/clinicidentity/{clinic.pk}/change/"
    data = {**form_data(clinic_admin_client, url), "contact_phone": "555-0199"}
    assert clinic_admin_client.post(url, data).status_code == 302
    event = only_event("accounts.clinic.changed")
    assert event.clinic == clinic
    assert event.detail == {"clinic": clinic.pk, "fields": ["contact_phone"], "access": {}}


def test_a_groups_permissions_change_is_audited(superuser_client):
    group = Group.objects.create(name="Reviewers")
    permission = Permission.objects.get(codename="view_user")
    url = f"/admin/auth/group/{group.pk}/change/"
    data = {**form_data(superuser_client, url), "permissions": [str(permission.pk)]}
    assert superuser_client.post(url, data).status_code == 302
    event = only_event("accounts.group.changed")
    assert event.detail["access"] == {"permissions": [[], [permission.pk]]}


def test_a_bulk_delete_writes_one_event_per_account(superuser_client, clinic):
    doomed = [make_staff(clinic=clinic), make_staff(clinic=make_clinic())]
    response = superuser_client.post(
        "/admin/accounts/user/",
        {
            "action": "delete_selected",
            "_selected_action": [str(user.pk) for user in doomed],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    events = AuditEvent.objects.filter(action="accounts.user.deleted")
    assert sorted(e.detail["user"] for e in events) == sorted(u.pk for u in doomed)
    assert {e.clinic_id for e in events} == {u.clinic_id for u in doomed}
