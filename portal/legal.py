"""The privacy notice and the terms of use. They change together and carry one
version: raise it whenever either text changes in substance, so the version a
patient accepted (recorded on their account) names the text they read."""

from datetime import date

NOTICE_VERSION = "1"
NOTICE_DATE = date(2026, 11, 1)
