"""Path converters shared by every URLconf."""

from django.urls import register_converter

# The largest id a 64-bit signed primary key can hold, on every database.
MAX_ID = 2**63 - 1


class IdConverter:
    """A database id: digits within the 64-bit range. Anything larger does not
    match, so the URL answers 404 instead of overflowing in the database driver."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
