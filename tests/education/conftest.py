"""Personas of the shared library (a library editor) and the pathway's first
two stages."""

import pytest

from accounts.models import User
from education.governance import library_editors_group
from tests.builders import make_clinic, make_staff
from tests.conftest import login_client
from tests.education.pages import stages


@pytest.fixture
def library_editor(db):
    """A library editor: admin-site staff in the "Library editors" group, in a
    clinic of their own with no patients."""
    user = make_staff(
        clinic=make_clinic(name="ConsultReady library", slug="library"),
        role=User.Role.CLINICIAN,
        full_name="Libby Editor",
        is_staff=True,
    )
    user.groups.add(library_editors_group())
    return user


@pytest.fixture
def reviewer(db):
    """A second library editor."""
    user = make_staff(
        clinic=make_clinic(name="ConsultReady reviewers", slug="reviewers"),
        role=User.Role.CLINICIAN,
        full_name="Rev Iewer",
        is_staff=True,
    )
    user.groups.add(library_editors_group())
    return user


@pytest.fixture
def reviewer_client(reviewer):
    return login_client(reviewer)


@pytest.fixture
def library_editor_client(library_editor):
    return login_client(library_editor)


@pytest.fixture
def first(pathway):
    """The pathway's first stage (a module)."""
    return stages(pathway)[0]


@pytest.fixture
def second(pathway):
    return stages(pathway)[1]
