"""AuditEvent now belongs to the audit app (see audit/migrations/0001_initial.py):
the model leaves education's state; its table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0012_question_section_length"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
            database_operations=[],
        ),
    ]
