"""Reads that build pages, one module per concern:

- ``outline``: the cached published outline of a pathway and its fingerprint;
- ``progress``: a patient's state on one enrollment (outline + records + readiness);
- ``clinic``: the clinic dashboard and the brief about one patient;
- ``week``: the clinic home's consultations today, tomorrow and this week;
- ``patient``: the patient pages under /learn/.

Selectors never decide who may see what: ``education.access`` does. Import
from the module that holds a read; the names below are the ones other apps
and the demo data reach for.
"""

from .clinic import DASHBOARD_SORTS, DashboardFilters
from .outline import Outline, pathway_outline, quiz_questions

__all__ = ["DASHBOARD_SORTS", "DashboardFilters", "Outline", "pathway_outline", "quiz_questions"]
