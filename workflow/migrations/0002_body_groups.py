"""The Django groups of the bodies that act in the approval chains (DESIGN.md "Access")."""

from django.db import migrations

BODIES = ["Leitungskreis", "AG Transfer", "Plenum", "Redaktion"]
#: Contact persons of groups that apply for recognition: admin login only, no page permissions,
#: so they can submit the application (R1) before their group has its own access (R19).
APPLICANTS = "Antragstellende"


def create_body_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin").first()
    for name in BODIES + [APPLICANTS]:
        group, _ = Group.objects.get_or_create(name=name)
        if access_admin is not None:
            group.permissions.add(access_admin)


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_body_groups, migrations.RunPython.noop)]
