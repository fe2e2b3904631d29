"""The clinic admin's audit log filters by action, by who acted and by patient,
offering only the people of their own clinic."""

from audit.models import AuditEvent

URL = "/admin/audit/auditevent/"


def results(response):
    return response.content.decode().split('id="result_list"')[1].split("</table>")[0]


def test_audit_log_filters_by_actor_and_patient(
    clinic_admin_client, clinic_admin, clinician, patient, other_patient, foreign_patient
):
    AuditEvent.objects.create(
        action="education.brief.viewed", clinic=clinician.clinic, actor=clinician, patient=patient
    )
    AuditEvent.objects.create(
        action="education.flag.discussed",
        clinic=clinician.clinic,
        actor=clinic_admin,
        patient=other_patient,
    )
    by_actor = results(clinic_admin_client.get(URL, {"actor__id__exact": clinician.pk}))
    assert "education.brief.viewed" in by_actor
    assert "education.flag.discussed" not in by_actor
    by_patient = results(clinic_admin_client.get(URL, {"patient__id__exact": other_patient.pk}))
    assert "education.flag.discussed" in by_patient
    assert "education.brief.viewed" not in by_patient
    page = clinic_admin_client.get(URL).content.decode()
    assert f"?actor__id__exact={clinician.pk}" in page
    assert f"?patient__id__exact={patient.pk}" in page
    # Another clinic's people are not offered.
    assert f"patient__id__exact={foreign_patient.pk}" not in page
