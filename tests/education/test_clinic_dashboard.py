"""The clinician dashboard: own clinic only, filters, sorting, htmx, pagination, query count."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import PatientProfile, User
from audit.models import AuditEvent
from education.models import Enrollment, ReadinessStatus
from tests.builders import make_patient

URL = "/clinic/"
# Session, user, OTP device, the audit event of the look, then the page's own four: this
# week's consultations (whole page only), the count, the ids of one page (an index-only
# scan however deep the page) and those rows with their joins. A filter swap under htmx
# skips the week.
DASHBOARD_QUERIES = 8
DASHBOARD_FRAGMENT_QUERIES = 7


def bulk_patients(clinic, pathway, count, *, prefix="Bulk", primary_clinician=None, **fields):
    """``count`` enrolled patients in three bulk inserts."""
    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix.lower()}{i}@bulk.test",
                full_name=f"{prefix} {i:04d}",
                role=User.Role.PATIENT,
                clinic=clinic,
                password="!",  # noqa: S106 - unusable password
            )
            for i in range(count)
        ]
    )
    PatientProfile.objects.bulk_create(
        [PatientProfile(user=u, primary_clinician=primary_clinician) for u in users]
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                patient=u,
                pathway=pathway,
                clinic=clinic,
                progress_percent=i % 101,
                last_activity_at=timezone.now() - timedelta(hours=i),
                **fields,
            )
            for i, u in enumerate(users)
        ]
    )
    return users


def names_in(response):
    """The page without this week's consultations, which also name patients (which
    ones depends on the day of the week the tests run)."""
    page = response.content.decode()
    return re.sub(r'<section class="week-group.*?</ol>\s*</section>', "", page, flags=re.S)


@pytest.fixture
def roster(clinic, other_clinic, pathway, clinician):
    """Patients in each readiness state, with and without a near consultation."""
    now = timezone.now()
    people = {}
    for key, status, days, mine in [
        ("ready", ReadinessStatus.READY, 3, True),
        ("flagged", ReadinessStatus.NEEDS_DISCUSSION, 20, False),
        ("started", ReadinessStatus.IN_PROGRESS, 60, True),
        ("new", ReadinessStatus.NOT_STARTED, None, False),
    ]:
        patient = make_patient(
            clinic=clinic,
            pathway=pathway,
            primary_clinician=clinician if mine else None,
            full_name=f"Patient {key.title()}",
            email=f"{key}@example.test",
        )
        Enrollment.objects.filter(patient=patient).update(
            readiness_status=status,
            consultation_at=now + timedelta(days=days) if days else None,
        )
        people[key] = patient
    people["foreign"] = make_patient(
        clinic=other_clinic, pathway=pathway, full_name="Foreign Patient"
    )
    return people


def test_dashboard_lists_own_clinic_patients_only(clinician_client, roster):
    response = clinician_client.get(URL)
    assert response.status_code == 200
    page = names_in(response)
    for key in ("ready", "flagged", "started", "new"):
        assert f"Patient {key.title()}" in page
    assert "Foreign Patient" not in page
    assert f'href="/clinic/patients/{roster["ready"].pk}/"' in page


def test_dashboard_shows_status_in_words_with_its_class(clinician_client, roster):
    page = names_in(clinician_client.get(URL))
    assert '<span class="status status-1_needs_discussion">Needs discussion</span>' in page
    assert "Ready for consent discussion" in page


def test_default_order_puts_patients_needing_discussion_first(clinician_client, roster):
    page = names_in(clinician_client.get(URL))
    positions = [page.index(f"Patient {k}") for k in ("Flagged", "New", "Started", "Ready")]
    assert positions == sorted(positions)


def test_clinic_admin_sees_the_whole_clinic(clinic_admin_client, roster):
    page = names_in(clinic_admin_client.get(URL))
    assert all(f"Patient {k}" in page for k in ("Ready", "Flagged", "Started", "New"))
    assert "Foreign Patient" not in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("status=4_ready", {"Ready"}, {"Flagged", "Started", "New"}),
        ("status=1_needs_discussion", {"Flagged"}, {"Ready", "Started", "New"}),
        ("within=7", {"Ready"}, {"Flagged", "Started", "New"}),
        ("within=30", {"Ready", "Flagged"}, {"Started", "New"}),
        ("mine=1", {"Ready", "Started"}, {"Flagged", "New"}),
        ("q=flagg", {"Flagged"}, {"Ready", "Started", "New"}),
        ("q=NEW%40EXAMPLE", {"New"}, {"Ready", "Flagged", "Started"}),
        ("status=3_in_progress&mine=1", {"Started"}, {"Ready", "Flagged", "New"}),
    ],
)
def test_filters_narrow_the_list(clinician_client, roster, query, shown, hidden):
    page = names_in(clinician_client.get(f"{URL}?{query}"))
    assert all(f"Patient {name}" in page for name in shown)
    assert not any(f"Patient {name}" in page for name in hidden)


def test_search_does_not_reach_other_clinics(clinician_client, roster):
    response = clinician_client.get(URL, {"q": "Foreign"})
    assert "Foreign Patient" not in names_in(response)
    assert "No patients match these filters." in names_in(response)


@pytest.mark.parametrize(
    "query",
    [
        "sort=password",
        "sort=patient__password",
        "sort=-",
        "status=hacked",
        "within=abc",
        "within=99999",
        "mine=maybe",
        "page=-3",
        "page=zzz",
        "q=" + "x" * 500,
    ],
)
def test_bad_parameters_fall_back_to_defaults(clinician_client, roster, query):
    response = clinician_client.get(f"{URL}?{query}")
    assert response.status_code == 200


def test_unknown_sort_uses_the_default_order(clinician_client, roster):
    page = names_in(clinician_client.get(URL, {"sort": "patient__password"}))
    positions = [page.index(f"Patient {k}") for k in ("Flagged", "New", "Started", "Ready")]
    assert positions == sorted(positions)


def test_sort_by_name_both_ways(clinician_client, roster):
    names = ["Patient Flagged", "Patient New", "Patient Ready", "Patient Started"]
    page = names_in(clinician_client.get(URL, {"sort": "name"}))
    assert [page.index(n) for n in names] == sorted(page.index(n) for n in names)
    page = names_in(clinician_client.get(URL, {"sort": "-name"}))
    assert [page.index(n) for n in reversed(names)] == sorted(page.index(n) for n in names)


def test_sort_by_consultation_puts_undated_patients_last(clinician_client, roster):
    page = names_in(clinician_client.get(URL, {"sort": "consultation"}))
    order = ["Patient Ready", "Patient Flagged", "Patient Started", "Patient New"]
    assert [page.index(n) for n in order] == sorted(page.index(n) for n in order)
    page = names_in(clinician_client.get(URL, {"sort": "-consultation"}))
    order = ["Patient Started", "Patient Flagged", "Patient Ready", "Patient New"]
    assert [page.index(n) for n in order] == sorted(page.index(n) for n in order)


def test_column_header_links_toggle_direction_and_keep_filters(clinician_client, roster):
    page = names_in(clinician_client.get(URL, {"status": "4_ready", "sort": "name"}))
    assert 'aria-sort="ascending"' in page
    assert 'href="?status=4_ready&amp;sort=-name"' in page
    assert 'href="?status=4_ready&amp;sort=progress"' in page


def test_htmx_request_gets_the_table_partial_only(clinician_client, roster):
    response = clinician_client.get(URL, {"q": "ready"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = names_in(response)
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="patient-table">')
    assert "Patient Ready" in body
    assert "Patient New" not in body
    assert "HX-Request" in response["Vary"]


def test_history_restore_request_gets_the_full_page(clinician_client, roster):
    response = clinician_client.get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in names_in(response)


def test_filter_form_works_with_and_without_javascript(clinician_client, roster):
    page = names_in(clinician_client.get(URL))
    assert '<form method="get"' in page
    assert 'hx-get="/clinic/"' in page
    assert 'hx-target="#patient-table"' in page
    assert 'hx-push-url="true"' in page
    assert "from:input[name=q]" in page


def test_invite_and_export_links(clinician_client, roster):
    page = names_in(clinician_client.get(URL, {"status": "4_ready", "page": "1"}))
    assert 'href="/accounts/invitations/new/"' in page
    assert 'href="/clinic/export.csv?status=4_ready"' in page


def test_pagination_shows_25_and_keeps_filters(clinician_client, clinic, pathway):
    bulk_patients(clinic, pathway, 30, prefix="Paged")
    bulk_patients(clinic, pathway, 3, prefix="Hidden", readiness_status=ReadinessStatus.READY)
    response = clinician_client.get(URL, {"status": "2_not_started", "sort": "name"})
    page = names_in(response)
    assert page.count('href="/clinic/patients/') == 25
    assert "Page 1 of 2" in page
    assert 'href="?status=2_not_started&amp;sort=name&amp;page=2"' in page
    second = names_in(
        clinician_client.get(URL, {"status": "2_not_started", "sort": "name", "page": "2"})
    )
    assert second.count('href="/clinic/patients/') == 5
    assert "Paged 0029" in second
    assert "Hidden" not in second


def _count_queries(client, **params):
    client.get(URL)  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "-activity", "mine": "1", "q": "bulk"}, {"status": "2_not_started", "page": "2"}],
)
def test_query_count_is_the_same_for_10_and_500_patients(
    clinician_client, clinic, pathway, clinician, django_assert_num_queries, params
):
    bulk_patients(clinic, pathway, 10, prefix="Small", primary_clinician=clinician)
    assert _count_queries(clinician_client, **params) == DASHBOARD_QUERIES
    bulk_patients(clinic, pathway, 490, prefix="Large", primary_clinician=clinician)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = clinician_client.get(URL, params)
    assert response.status_code == 200


def test_htmx_query_count_is_fixed(clinician_client, clinic, pathway, django_assert_num_queries):
    bulk_patients(clinic, pathway, 10, prefix="Small")
    clinician_client.get(URL)  # the first request of a session also writes the session
    with django_assert_num_queries(DASHBOARD_FRAGMENT_QUERIES):
        clinician_client.get(URL, headers={"HX-Request": "true"})
    bulk_patients(clinic, pathway, 490, prefix="Large")
    with django_assert_num_queries(DASHBOARD_FRAGMENT_QUERIES):
        clinician_client.get(URL, headers={"HX-Request": "true"})


def test_reminded_still_not_started_filter(clinician_client, roster, clinic):
    from reminders.models import ReminderSend

    for key in ("new", "started"):
        ReminderSend.objects.create(
            rule="not_started",
            occurrence_key=f"k-{key}",
            reason="Not started",
            clinic=clinic,
            enrollment=Enrollment.objects.get(patient=roster[key]),
            email=roster[key].email,
            status="sent",
            sent_at=timezone.now(),
        )
    page = names_in(clinician_client.get(URL, {"status": "reminded"}))
    assert "Patient New" in page
    # Reminded but already started, or never reminded: not in this list.
    assert "Patient Started" not in page
    assert "Patient Ready" not in page
    assert "Reminded, still not started" in page


def test_each_stacked_cell_carries_its_column_label(clinician_client, roster):
    page = names_in(clinician_client.get(URL))
    for label in ("Consultation", "Readiness", "Open flags", "First-attempt score"):
        assert f'data-label="{label}"' in page


def test_looking_and_searching_are_audited_without_the_search_text(
    clinician_client, clinician, roster
):
    clinician_client.get(URL)
    clinician_client.get(URL, {"q": "Flagged", "status": "1_needs_discussion"})
    viewed = AuditEvent.objects.get(action="education.dashboard.viewed")
    searched = AuditEvent.objects.get(action="education.dashboard.searched")
    assert viewed.actor == searched.actor == clinician
    assert searched.detail["search"] is True
    assert searched.detail["status"] == "1_needs_discussion"
    assert "Flagged" not in str(searched.detail)
