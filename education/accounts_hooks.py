"""Education's side of the accounts extension points (accounts never imports
education): the pathways an invitation may carry, the patient's own record for
download; and, when an invitation is accepted, the content editors' group for a
clinic admin and enrolment for a patient whose invitation carries a pathway."""

from accounts import extensions
from accounts.signals import invitation_accepted

from .governance import content_editors_group
from .record import patient_record_get
from .selectors.outline import published_pathways
from .services import enrollment_create


def on_invitation_accepted(sender, *, invitation, user, **kwargs) -> None:
    if user.is_staff:
        # Clinic admins edit content in the admin site.
        user.groups.add(content_editors_group())
    if invitation.pathway_id:
        enrollment_create(
            patient=user, pathway=invitation.pathway, enrolled_by=invitation.invited_by
        )


def connect() -> None:
    extensions.register(invitation_pathways=published_pathways, patient_record=patient_record_get)
    invitation_accepted.connect(
        on_invitation_accepted, dispatch_uid="education.on_invitation_accepted"
    )
