from django.db import migrations

LIBRARY_MODELS = [
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


def create_library_editors(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations; make sure they exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Library editors")
    codenames = [
        f"{action}_{model}"
        for model in LIBRARY_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="education", codename__in=codenames)
    )


def remove_library_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Library editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0004_protect_patient_records_retire_content"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_library_editors, remove_library_editors),
    ]
