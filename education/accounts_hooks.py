"""Education's side of the accounts extension points (accounts never imports
education): the pathways an invitation may carry, the patient's own record for
download, and enrolment when an invitation with a pathway is accepted."""

from accounts import extensions
from accounts.signals import invitation_accepted

from .record import patient_record_get
from .selectors.outline import published_pathways
from .services import enrollment_create


def enroll_invited_patient(sender, *, invitation, user, **kwargs) -> None:
    if invitation.pathway_id:
        enrollment_create(
            patient=user, pathway=invitation.pathway, enrolled_by=invitation.invited_by
        )


def connect() -> None:
    extensions.register(invitation_pathways=published_pathways, patient_record=patient_record_get)
    invitation_accepted.connect(
        enroll_invited_patient, dispatch_uid="education.enroll_invited_patient"
    )
