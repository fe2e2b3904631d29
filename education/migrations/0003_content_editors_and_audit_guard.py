from django.db import migrations

CONTENT_MODELS = [
    "pathway",
    "pathwaymodule",
    "module",
    "lesson",
    "lessonsource",
    "quiz",
    "question",
    "choice",
    "checklist",
    "checklistitem",
    "glossaryterm",
    "therapy",
]

AUDIT_GUARD_SQL = """
CREATE OR REPLACE FUNCTION education_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'this table is append-only: UPDATE and DELETE are refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER education_auditevent_append_only
    BEFORE UPDATE OR DELETE ON education_auditevent
    FOR EACH ROW EXECUTE FUNCTION education_auditevent_append_only();
CREATE TRIGGER education_clinicianreview_append_only
    BEFORE UPDATE OR DELETE ON education_clinicianreview
    FOR EACH ROW EXECUTE FUNCTION education_auditevent_append_only();
"""

AUDIT_GUARD_REVERSE_SQL = """
DROP TRIGGER IF EXISTS education_clinicianreview_append_only ON education_clinicianreview;
DROP TRIGGER IF EXISTS education_auditevent_append_only ON education_auditevent;
DROP FUNCTION IF EXISTS education_auditevent_append_only();
"""


def create_content_editors(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations; make sure they exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Content editors")
    codenames = [
        f"{action}_{model}"
        for model in CONTENT_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="education", codename__in=codenames)
    )


def remove_content_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Content editors").delete()


def add_audit_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_SQL)


def remove_audit_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(AUDIT_GUARD_REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0002_curriculum_file"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_content_editors, remove_content_editors),
        migrations.RunPython(add_audit_guard, remove_audit_guard),
    ]
