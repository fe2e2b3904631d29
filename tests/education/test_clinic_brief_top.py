"""The top of the brief says what to talk about, in the clinician's voice;
the details follow folded."""

from django.utils import timezone

from education import services
from reminders.models import ReminderSend
from tests.education.pages import enrollment_of


def brief_url(patient):
    return f"/clinic/patients/{patient.pk}/"


def flag(patient, pathway, note=""):
    item = pathway.checklist.items.order_by("order").first()
    return services.checklist_response_save(
        enrollment=enrollment_of(patient), item=item, answer="not_sure", note=note
    )


def top_of(page):
    return page.split('id="discuss-heading"')[1].split("</section>")[0]


def test_brief_speaks_of_open_flags_in_the_clinicians_voice(clinician_client, patient, pathway):
    flag(patient, pathway, note="I am on warfarin")
    page = clinician_client.get(brief_url(patient)).content.decode()
    assert "talk over with your clinician" not in page
    assert "1 checklist answer the patient needs to talk over" in page
    assert "(s)" not in page


def test_questions_and_reminders_are_at_the_top(clinician_client, patient, pathway, clinic):
    enrollment = enrollment_of(patient)
    services.patient_question_add(enrollment=enrollment, text="How long is recovery?")
    ReminderSend.objects.create(
        rule="stalled",
        occurrence_key="k1",
        reason="No activity",
        clinic=clinic,
        enrollment=enrollment,
        email=patient.email,
        status="sent",
        sent_at=timezone.now(),
    )
    top = top_of(clinician_client.get(brief_url(patient)).content.decode())
    assert "1 question from the patient" in top
    assert "How long is recovery?" in top
    assert "1 reminder sent:" in top
    assert "No activity for 5 days" in top


def test_brief_without_reminders_says_so(clinician_client, patient):
    top = top_of(clinician_client.get(brief_url(patient)).content.decode())
    assert "No reminder sent." in top
    assert "0 open flags" in top


def test_details_are_folded(clinician_client, patient):
    page = clinician_client.get(brief_url(patient)).content.decode()
    details = page.split('id="details-heading"')[1]
    assert details.count("<details>") == 6
    assert "<details open" not in page


def test_the_brief_shows_the_patients_teach_back_in_their_own_words(clinician_client, patient):
    from education.models import Module, TeachBack
    from tests.education.pages import enrollment_of

    enrollment = enrollment_of(patient)
    module = Module.objects.filter(pathways=enrollment.pathway).order_by("pk").first()
    module.teach_back = "In your own words, what does investigational mean?"
    module.save()
    TeachBack.objects.create(
        enrollment=enrollment,
        module=module,
        prompt=module.teach_back,
        text="It means <b>not proven</b> yet.",
    )
    page = clinician_client.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert 'id="teach-back-heading"' in page
    assert "It means &lt;b&gt;not proven&lt;/b&gt; yet." in page
