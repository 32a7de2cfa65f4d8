"""Scheduled publishing under the one approval system (R10, R11; issue 14).

* ``publish_scheduled`` never stops at a refused page: an undecided Produkt that is due is
  logged and skipped, a Protokoll due after it goes live, the command ends normally.
* The page editor refuses a go-live time on a Produkt or Veranstaltung (German field error).
* The Redaktion schedules the decided revision in „Beschlossenen Stand veröffentlichen“;
  ``publish_scheduled`` makes exactly that revision live at the time.
* Wagtail's "Moderators approval" workflow is gone: no second approval system.
"""

from __future__ import annotations

import datetime
import io
import logging

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command, load_command_class
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Page, Revision, Workflow, WorkflowPage, WorkflowState

from om_pages.models import FachgruppePage, GremiumPage, ProduktKind, ProduktPage, ProtokollPage
from tests.workflow.conftest import complete_decision, form_data, user
from workflow.decided_page_form import SCHEDULE_REFUSED
from workflow.models import Produktfreigabe
from workflow.services import perform_transition

PAST = datetime.timedelta(minutes=5)


@pytest.fixture
def produkt(demo_home) -> ProduktPage:
    """A new draft Produkt of the Gefährdungsbeurteilung group (never decided)."""
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    page = ProduktPage(title="Leitfaden Lärm", slug="leitfaden-laerm", kind=ProduktKind.LEITFADEN,
                       summary="Beschlossene Fassung", live=False)
    fachgruppe.add_child(instance=page)
    page.save_revision(user=user("fg-gefaehrdung"))
    return ProduktPage.objects.get(pk=page.pk)


def draft_protokoll() -> ProtokollPage:
    gremium = GremiumPage.objects.get(kind="ag_transfer")
    page = ProtokollPage(title="Protokoll Planung", slug="protokoll-planung",
                         date=datetime.date(2026, 3, 1), live=False, body="<p>Sitzung.</p>")
    gremium.add_child(instance=page)
    page.save_revision(user=user("agtransfer"))
    return ProtokollPage.objects.get(pk=page.pk)


def schedule_in_the_past(revision: Revision, ago: datetime.timedelta = PAST) -> None:
    """What Wagtail's "publish at" leaves behind, the time since passed."""
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=timezone.now() - ago)


def decide(page: ProduktPage) -> Produktfreigabe:
    vorgang = Produktfreigabe(page=page, page_title=page.title)
    for name, username in (("einreichen", "fg-gefaehrdung"), ("ag_zustimmen", "agtransfer"),
                           ("plenum_beschliessen", "plenum")):
        perform_transition(vorgang, name, user(username), **complete_decision(vorgang, name))
    assert vorgang.state == "beschlossen"
    return vorgang


# --- publish_scheduled never stops at a refused page (R10, R11) ---------------------------


@pytest.mark.django_db
def test_publish_scheduled_skips_an_undecided_produkt_and_publishes_the_protokoll(produkt, caplog):
    protokoll = draft_protokoll()
    schedule_in_the_past(produkt.latest_revision, ago=datetime.timedelta(hours=2))  # due first
    schedule_in_the_past(protokoll.latest_revision)

    with caplog.at_level(logging.WARNING, logger="workflow.publishing"):
        call_command("publish_scheduled")  # returns normally (exit code 0), no exception

    assert ProtokollPage.objects.get(pk=protokoll.pk).live
    assert not ProduktPage.objects.get(pk=produkt.pk).live
    refusals = [r for r in caplog.records if r.name == "workflow.publishing"]
    assert len(refusals) == 1 and refusals[0].levelno == logging.WARNING
    assert "Geplante Veröffentlichung verweigert" in refusals[0].getMessage()
    assert "Leitfaden Lärm" in refusals[0].getMessage()
    # the refused schedule is dropped: the next run neither refuses it again nor publishes it
    assert Revision.objects.get(pk=produkt.latest_revision.pk).approved_go_live_at is None


@pytest.mark.django_db
def test_publish_scheduled_as_a_process_exits_with_zero(produkt):
    """The command as cron runs it ends without an error although a page was refused: Django's
    command runner turns a raised error into exit code 1, so none may escape ``execute``.

    (``ManagementUtility`` itself closes every database connection at the end, which would end
    the test's transaction on PostgreSQL; the command's own ``execute`` is what it runs.)
    """
    schedule_in_the_past(produkt.latest_revision)
    command = load_command_class("workflow", "publish_scheduled")
    assert command.__module__ == "workflow.management.commands.publish_scheduled"  # ours, first
    command.execute(verbosity=1, dryrun=False, no_color=True, force_color=False,
                    skip_checks=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ProduktPage.objects.get(pk=produkt.pk).live


@pytest.mark.django_db
def test_dry_run_changes_nothing(produkt):
    schedule_in_the_past(produkt.latest_revision)
    call_command("publish_scheduled", "--dryrun")
    assert Revision.objects.get(pk=produkt.latest_revision.pk).approved_go_live_at is not None


# --- the Redaktion schedules the decided revision -----------------------------------------


@pytest.mark.django_db
def test_redaktion_schedules_the_decided_revision(produkt, client):
    vorgang = decide(produkt)
    decided = vorgang.revision_id
    later = ProduktPage.objects.get(pk=produkt.pk).get_latest_revision_as_object()
    later.summary = "Spätere, nicht beschlossene Änderung"
    later.save_revision(user=user("fg-gefaehrdung"))

    go_live = timezone.localtime() + datetime.timedelta(days=3)
    client.force_login(user("redaktion"))
    post = form_data(vorgang, "veroeffentlichen")
    post["go_live_at"] = go_live.strftime("%Y-%m-%d %H:%M")
    response = client.post(f"/admin/freigabe/{produkt.pk}/veroeffentlichen/", post)
    assert response.status_code == 302, response.content.decode()

    vorgang.refresh_from_db()
    assert vorgang.state == "veroeffentlicht"  # the Redaktion's step is done; the page waits
    assert "Veröffentlichung geplant für den" in vorgang.entries().last().comment
    page = ProduktPage.objects.get(pk=produkt.pk)
    assert not page.live
    scheduled = Revision.objects.get(pk=decided)
    assert scheduled.approved_go_live_at is not None
    assert abs(scheduled.approved_go_live_at - go_live) < datetime.timedelta(minutes=1)
    assert not Revision.objects.exclude(pk=decided).filter(
        object_id=str(produkt.pk), approved_go_live_at__isnull=False).exists()

    call_command("publish_scheduled")  # not yet due
    assert not ProduktPage.objects.get(pk=produkt.pk).live

    schedule_in_the_past(scheduled)  # the time has come
    call_command("publish_scheduled")
    page = ProduktPage.objects.get(pk=produkt.pk)
    assert page.live and page.live_revision_id == decided
    assert page.summary == "Beschlossene Fassung"


@pytest.mark.django_db
def test_redaktion_publishes_now_without_a_date(produkt, client):
    vorgang = decide(produkt)
    client.force_login(user("redaktion"))
    response = client.post(f"/admin/freigabe/{produkt.pk}/veroeffentlichen/",
                           form_data(vorgang, "veroeffentlichen"))
    assert response.status_code == 302
    page = ProduktPage.objects.get(pk=produkt.pk)
    assert page.live and page.live_revision_id == vorgang.revision_id


@pytest.mark.django_db
def test_redaktion_cannot_schedule_in_the_past(produkt, client):
    vorgang = decide(produkt)
    client.force_login(user("redaktion"))
    post = form_data(vorgang, "veroeffentlichen")
    post["go_live_at"] = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    response = client.post(f"/admin/freigabe/{produkt.pk}/veroeffentlichen/", post)
    assert response.status_code == 400
    assert "muss in der Zukunft liegen" in response.content.decode()
    vorgang.refresh_from_db()
    assert vorgang.state == "beschlossen"
    assert not ProduktPage.objects.get(pk=produkt.pk).live


# --- the editor refuses to schedule a Produkt or Veranstaltung ----------------------------


def editor_post(page, **extra) -> dict:
    data = {"title": page.title, "slug": page.slug, "kind": page.kind,
            "summary": "Neu getippter Text, der nicht verloren gehen darf"}
    data.update(extra)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["fg-gefaehrdung", "redaktion", "admin"])
def test_editor_refuses_to_schedule_an_undecided_produkt(produkt, client, username):
    client.force_login(user(username))
    go_live = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    before = produkt.revisions.count()
    response = client.post(f"/admin/pages/{produkt.pk}/edit/", editor_post(produkt, go_live_at=go_live))
    html = response.content.decode()
    assert response.status_code == 200
    assert "nicht im Seiteneditor zur Veröffentlichung geplant" in html
    assert "Neu getippter Text, der nicht verloren gehen darf" in html  # nothing typed is lost
    assert produkt.revisions.count() == before
    assert not Revision.objects.filter(object_id=str(produkt.pk), approved_go_live_at__isnull=False).exists()


@pytest.mark.django_db
def test_editor_saves_a_produkt_draft_without_a_schedule(produkt, client):
    client.force_login(user("fg-gefaehrdung"))
    before = produkt.revisions.count()
    response = client.post(f"/admin/pages/{produkt.pk}/edit/", editor_post(produkt))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert produkt.revisions.count() == before + 1


def test_message_is_german():
    assert "Redaktion" in SCHEDULE_REFUSED and "R10, R11" in SCHEDULE_REFUSED


# --- one approval system: no Wagtail moderation workflow -----------------------------------


@pytest.mark.django_db
def test_no_wagtail_workflow_after_migrate():
    assert not Workflow.objects.exists()
    assert not WorkflowPage.objects.exists()
    assert not GroupApprovalTask.objects.filter(name="Moderators approval").exists()


@pytest.mark.django_db
def test_group_editor_is_not_offered_moderators_approval_on_a_protokoll(demo_home, client):
    protokoll = ProtokollPage.objects.child_of(GremiumPage.objects.get(kind="ag_transfer")).first()
    client.force_login(user("agtransfer"))
    response = client.get(f"/admin/pages/{protokoll.pk}/edit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Moderators approval" not in html
    assert 'name="action-submit"' not in html


def recreate_default_workflow() -> Workflow:
    """What Wagtail's migration 0048 makes of the 'Moderators' group's publish permission."""
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    workflow = Workflow.objects.create(name="Moderators approval", active=True)
    workflow.workflow_tasks.create(task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=Page.objects.get(depth=1))
    return workflow


@pytest.mark.django_db
def test_migration_removes_the_default_workflow_and_can_run_twice(demo_home):
    from importlib import import_module

    migration = import_module("workflow.migrations.0008_remove_wagtail_moderation")
    workflow = recreate_default_workflow()
    protokoll = ProtokollPage.objects.first()
    # the one click that locked the page: an open workflow state of the Protokoll
    WorkflowState.objects.create(
        content_type=ContentType.objects.get_for_model(ProtokollPage),
        base_content_type=ContentType.objects.get_for_model(Page), object_id=str(protokoll.pk),
        workflow=workflow, status=WorkflowState.STATUS_IN_PROGRESS, requested_by=user("agtransfer"))
    assert WorkflowState.objects.filter(object_id=str(protokoll.pk)).exists()

    migration.remove_wagtail_workflows(apps, None)
    migration.remove_wagtail_workflows(apps, None)  # already removed: nothing happens

    assert not Workflow.objects.exists() and not WorkflowPage.objects.exists()
    assert not GroupApprovalTask.objects.exists() and not WorkflowState.objects.exists()
