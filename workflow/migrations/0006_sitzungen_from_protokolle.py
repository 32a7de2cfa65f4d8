"""Every existing Protokoll gets its Sitzung; decisions that cited a Protokoll name that Sitzung.

Also creates the Schriftführung group of each body (R10, R11: it records the body's
decisions and completes the minutes). A Sitzung made here starts at 10:00 (Europe/Berlin) on
the Protokoll's date, is "abgeschlossen" when the Protokoll is live and "gehalten" otherwise,
and takes the Protokoll's TOPs as free agenda items.
"""

import datetime
import zoneinfo

from django.db import migrations

SCHRIFTFUEHRUNG = ("Schriftführung Leitungskreis", "Schriftführung AG Transfer",
                   "Schriftführung Plenum")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
STEPLEN = 4  # treebeard's path step of Wagtail's page tree


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    access_admin = Permission.objects.filter(content_type__app_label="wagtailadmin",
                                             codename="access_admin").first()
    for name in SCHRIFTFUEHRUNG:
        group, _ = Group.objects.get_or_create(name=name)
        if access_admin is not None:
            group.permissions.add(access_admin)


def sitzungen_from_protokolle(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    ProtokollPage = apps.get_model("om_pages", "ProtokollPage")
    GremiumPage = apps.get_model("om_pages", "GremiumPage")
    Sitzung = apps.get_model("workflow", "Sitzung")
    Tagesordnungspunkt = apps.get_model("workflow", "Tagesordnungspunkt")
    Eintrag = apps.get_model("workflow", "Eintrag")
    AgendaItem = apps.get_model("om_pages", "AgendaItem")
    for protokoll in ProtokollPage.objects.filter(sitzung__isnull=True).order_by("path"):
        parent = Page.objects.filter(path=protokoll.path[:-STEPLEN]).select_related(
            "content_type").first()
        if parent is None:
            continue
        fields = {}
        if parent.content_type.model == "gremiumpage":
            fields["gremium"] = GremiumPage.objects.get(pk=parent.pk).kind
        elif parent.content_type.model == "fachgruppepage":
            fields.update(gremium="fachgruppe", fachgruppe_id=parent.pk)
        else:
            continue
        starts_at = datetime.datetime.combine(protokoll.date, datetime.time(10, 0), tzinfo=BERLIN)
        sitzung = Sitzung.objects.create(
            starts_at=starts_at, meeting_kind=protokoll.meeting_kind, location=protokoll.location,
            attendees=protokoll.attendees, protokoll_id=protokoll.pk,
            state="abgeschlossen" if protokoll.live else "gehalten", **fields)
        for number, item in enumerate(AgendaItem.objects.filter(page_id=protokoll.pk)
                                      .order_by("sort_order", "pk")):
            Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=number, kind="frei",
                                              title=item.title[:255])
        # The record is append-only for the application; the migration only adds the link.
        Eintrag.objects.filter(protokoll_id=protokoll.pk, sitzung__isnull=True).update(
            sitzung=sitzung)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0005_sitzungen"),
        ("om_pages", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(sitzungen_from_protokolle, migrations.RunPython.noop),
    ]
