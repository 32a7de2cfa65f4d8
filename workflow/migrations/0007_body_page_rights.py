"""R19: each body writes the Protokolle under its own GremiumPage (workflow.body_pages).

The body's group gets add and change on its GremiumPage, its Schriftführung also publish;
``workflow.body_pages.GremiumPagePermissionTester`` keeps the GremiumPage itself with the
Redaktion. New GremiumPages get the same rows from a post_save receiver.
"""

from django.db import migrations

GRANTS = {
    "leitungskreis": {"Leitungskreis": ("add_page", "change_page"),
                      "Schriftführung Leitungskreis": ("add_page", "change_page", "publish_page")},
    "ag_transfer": {"AG Transfer": ("add_page", "change_page"),
                    "Schriftführung AG Transfer": ("add_page", "change_page", "publish_page")},
    "plenum": {"Plenum": ("add_page", "change_page"),
               "Schriftführung Plenum": ("add_page", "change_page", "publish_page")},
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GremiumPage = apps.get_model("om_pages", "GremiumPage")
    permissions = {p.codename: p for p in Permission.objects.filter(
        content_type__app_label="wagtailcore",
        codename__in=("add_page", "change_page", "publish_page"))}
    for page in GremiumPage.objects.filter(kind__in=GRANTS):
        for group_name, codenames in GRANTS[page.kind].items():
            group, _ = Group.objects.get_or_create(name=group_name)
            for codename in codenames:
                if codename in permissions:
                    GroupPagePermission.objects.get_or_create(
                        group=group, page_id=page.pk, permission=permissions[codename])


def revoke(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GremiumPage = apps.get_model("om_pages", "GremiumPage")
    names = [name for grants in GRANTS.values() for name in grants]
    GroupPagePermission.objects.filter(
        page_id__in=GremiumPage.objects.values("pk"), group__name__in=names).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0006_sitzungen_from_protokolle"),
        ("wagtailcore", "0098_apitoken"),
        ("om_pages", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
