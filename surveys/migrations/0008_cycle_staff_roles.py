"""The staff roles as groups with their permissions (names are stable: see surveys/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# A copy, not an import: a migration must keep doing what it did when it was written.
ROLES = {
    "Undersøkelsesansvarlig": [
        "surveys.manage_waves",
        "surveys.view_dashboard",
        "surveys.send_mail",
        "surveys.view_results",
        "municipalities.manage_register",
    ],
    "Analytiker": ["surveys.view_results", "surveys.export_responses"],
    "Personopplysninger": [
        "surveys.export_responses",
        "surveys.export_personal_data",
        "surveys.view_exportjob",
    ],
    "Lesetilgang": ["surveys.view_dashboard", "surveys.view_results"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        for label in permissions:
            app_label, codename = label.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("municipalities", "0003_cycle_correspondence_uploads"),
        ("surveys", "0007_cycle_wave_cycle"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
