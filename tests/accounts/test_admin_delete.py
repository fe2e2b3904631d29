"""Deleting in the admin never fails with a server error and never deletes what a
patient did: a clinic or account named in the audit trail, or a patient with
records, is shown on the admin's "cannot delete" page with what protects it, and
stays. Without history, deleting still works. Runs on PostgreSQL too, where the
append-only trigger refuses any change to an audit event."""

from accounts.models import Clinic, User
from audit.models import AuditEvent
from audit.services import audit_record
from education.models import Enrollment, Lesson, LessonCompletion
from tests.builders import make_clinic, make_patient, make_staff

PROTECTED = "would require deleting the following protected related objects"


def delete_page(client, kind, obj):
    return client.post(f"/admin/accounts/{kind}/{obj.pk}/delete/", {"post": "yes"})


def delete_selected(client, kind, objs):
    return client.post(
        f"/admin/accounts/{kind}/",
        {
            "action": "delete_selected",
            "_selected_action": [str(obj.pk) for obj in objs],
            "post": "yes",
        },
    )


def assert_refused(response, *shown):
    assert response.status_code == 200
    content = response.content.decode()
    assert PROTECTED in content
    assert "permission to delete" not in content
    for text in shown:
        assert text in content


def nothing_deleted_event():
    return not AuditEvent.objects.filter(action__endswith=".deleted").exists()


def test_a_clinic_with_audit_history_cannot_be_deleted(superuser_client):
    clinic = make_clinic()
    audit_record(action="education.content.published", clinic=clinic)
    page = superuser_client.get(f"/admin/accounts/clinic/{clinic.pk}/delete/")
    assert_refused(page, "Audit event", "education.content.published")

    assert_refused(delete_page(superuser_client, "clinic", clinic))
    assert Clinic.objects.filter(pk=clinic.pk).exists()
    assert nothing_deleted_event()


def test_deleting_selected_clinics_deletes_none_if_one_has_history(superuser_client):
    kept, plain = make_clinic(), make_clinic()
    audit_record(action="education.content.published", clinic=kept)
    assert_refused(delete_selected(superuser_client, "clinic", [kept, plain]))
    assert Clinic.objects.filter(pk__in=[kept.pk, plain.pk]).count() == 2
    assert nothing_deleted_event()


def test_a_clinic_added_in_the_admin_keeps_its_history(superuser_client):
    response = superuser_client.post(
        "/admin/accounts/clinic/add/", {"name": "Eastside", "slug": "eastside", "timezone": "UTC"}
    )
    assert response.status_code == 302
    clinic = Clinic.objects.get(slug="eastside")
    assert_refused(delete_page(superuser_client, "clinic", clinic), "accounts.clinic.added")
    assert Clinic.objects.filter(pk=clinic.pk).exists()


def test_a_staff_account_that_acted_cannot_be_deleted(superuser_client, clinic):
    staff = make_staff(clinic=clinic)
    audit_record(action="accounts.signed_in", actor=staff)
    assert_refused(delete_page(superuser_client, "user", staff), "accounts.signed_in")
    staff.refresh_from_db()
    assert staff.is_active
    assert nothing_deleted_event()


def test_deleting_selected_accounts_deletes_none_if_one_has_history(superuser_client, clinic):
    acted, plain = make_staff(clinic=clinic), make_staff(clinic=clinic)
    audit_record(action="accounts.signed_in", actor=acted)
    assert_refused(delete_selected(superuser_client, "user", [acted, plain]))
    assert User.objects.filter(pk__in=[acted.pk, plain.pk]).count() == 2
    assert nothing_deleted_event()


def test_a_patient_with_records_cannot_be_deleted(superuser_client, patient):
    enrollment = patient.enrollments.get()
    response = delete_page(superuser_client, "user", patient)
    assert_refused(response)
    assert [text.split(":")[0] for text in response.context["protected"]] == ["Enrollment"]
    assert User.objects.filter(pk=patient.pk).exists()
    assert Enrollment.objects.filter(pk=enrollment.pk).exists()
    assert nothing_deleted_event()


def test_deleting_selected_patients_keeps_their_records(superuser_client, patient, other_patient):
    assert_refused(delete_selected(superuser_client, "user", [patient, other_patient]))
    assert Enrollment.objects.filter(patient__in=[patient, other_patient]).count() == 2


def test_a_lesson_read_keeps_the_patient_account(superuser_client, clinic, pathway):
    reader = make_patient(clinic=clinic)
    lesson = Lesson.objects.filter(module__in=pathway.modules.all()).first()
    LessonCompletion.objects.create(patient=reader, lesson=lesson, lesson_version=1)
    response = delete_page(superuser_client, "user", reader)
    assert_refused(response)
    assert [text.split(":")[0] for text in response.context["protected"]] == ["Lesson completion"]
    assert LessonCompletion.objects.filter(patient=reader).exists()


def test_a_clinic_keeps_the_enrolments_made_there(superuser_client, pathway, other_clinic):
    old_clinic = make_clinic()
    moved = make_patient(clinic=old_clinic, pathway=pathway)
    User.objects.filter(pk=moved.pk).update(clinic=other_clinic)
    response = delete_page(superuser_client, "clinic", old_clinic)
    assert_refused(response)
    assert [text.split(":")[0] for text in response.context["protected"]] == ["Enrollment"]
    assert Clinic.objects.filter(pk=old_clinic.pk).exists()


def test_an_account_without_history_is_still_deleted(superuser_client, clinic):
    unused = make_patient(clinic=clinic)
    assert delete_page(superuser_client, "user", unused).status_code == 302
    assert not User.objects.filter(pk=unused.pk).exists()
    # The deletion itself is now part of the clinic's history.
    assert AuditEvent.objects.get(action="accounts.user.deleted").clinic == clinic


def test_a_clinic_without_history_is_still_deleted(superuser_client):
    clinic = make_clinic()
    assert delete_page(superuser_client, "clinic", clinic).status_code == 302
    assert not Clinic.objects.filter(pk=clinic.pk).exists()


def test_a_refused_delete_page_lists_a_bounded_number_of_events(
    superuser_client, clinic, django_assert_max_num_queries
):
    staff = make_staff(clinic=clinic)
    AuditEvent.objects.bulk_create(
        AuditEvent(action="accounts.signed_in", actor=staff) for _ in range(300)
    )
    # One query per kind of record that points at an account (about 30 kinds),
    # whatever the number of events.
    with django_assert_max_num_queries(40):
        response = delete_page(superuser_client, "user", staff)
    assert_refused(response)
    assert response.content.decode().count("accounts.signed_in") == 50
    assert "…and 250 more objects." in response.content.decode()
