"""Trigram indexes for the clinician dashboard's name and e-mail search on
PostgreSQL (Django's icontains compares UPPER(column) LIKE UPPER(pattern)).
Nothing to do on SQLite."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS accounts_user_name_trgm ON accounts_user "
    "USING gin ((UPPER(full_name::text)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS accounts_user_email_trgm ON accounts_user "
    "USING gin ((UPPER(email::text)) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS accounts_user_email_trgm",
    "DROP INDEX IF EXISTS accounts_user_name_trgm",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [migrations.RunPython(forward, backward)]
