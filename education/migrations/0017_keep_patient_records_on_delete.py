"""Deleting a patient's account or their clinic no longer deletes their
enrollments and lesson completions: the admin lists them as protected. No SQL:
Django enforces PROTECT itself."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_patient_identity"),
        ("education", "0016_question_content_hashes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="enrollment",
            name="clinic",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enrollments",
                to="accounts.clinic",
            ),
        ),
        migrations.AlterField(
            model_name="enrollment",
            name="patient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enrollments",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="lessoncompletion",
            name="patient",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="lesson_completions",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
