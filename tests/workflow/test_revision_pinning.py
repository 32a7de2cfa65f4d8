"""What was decided is what is published; no path publishes an undecided Produkt (R10, R11)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from om_pages.models import FachgruppePage, ProduktKind, ProduktPage
from tests.workflow.conftest import complete_decision, user
from workflow.models import Produktfreigabe
from workflow.services import perform_transition


@pytest.fixture
def produkt(demo_home):
    """A new draft Produkt of the Gefährdungsbeurteilung group (never decided)."""
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    page = ProduktPage(title="Leitfaden Lärm", slug="leitfaden-laerm", kind=ProduktKind.LEITFADEN,
                       summary="Beschlossene Fassung", live=False)
    fachgruppe.add_child(instance=page)
    page.save_revision(user=user("fg-gefaehrdung"))
    return ProduktPage.objects.get(pk=page.pk)


def decide(page, until="beschlossen"):
    """Take the Produkt through the chain with the demo body members."""
    vorgang = Produktfreigabe(page=page, page_title=page.title)
    steps = [("einreichen", "fg-gefaehrdung"), ("ag_zustimmen", "agtransfer"),
             ("plenum_beschliessen", "plenum"), ("veroeffentlichen", "redaktion")]
    for name, username in steps:
        perform_transition(vorgang, name, user(username), **complete_decision(vorgang, name))
        if vorgang.state == until:
            break
    return vorgang


def live(page) -> bool:
    return ProduktPage.objects.get(pk=page.pk).live


def edit(page, summary: str):
    draft = ProduktPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    draft.summary = summary
    return draft.save_revision()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["eigene_fachgruppe", "redaktion", "superuser"])
def test_editor_publish_button_does_not_publish(produkt, client, role):
    username = {"eigene_fachgruppe": "fg-gefaehrdung", "redaktion": "redaktion",
                "superuser": "admin"}[role]
    client.force_login(user(username))
    client.post(f"/admin/pages/{produkt.pk}/edit/", {
        "title": produkt.title, "slug": produkt.slug, "kind": produkt.kind, "summary": "x",
        "action-publish": "action-publish",
    })
    assert not live(produkt)


@pytest.mark.django_db
def test_bulk_publish_does_not_publish(produkt, admin_client):
    url = (f"/admin/bulk/wagtailcore/page/publish/?id={produkt.pk}"
           f"&next=/admin/pages/{produkt.get_parent().pk}/")
    admin_client.post(url, {"include_descendants": ""})
    assert not live(produkt)


@pytest.mark.django_db
def test_revision_publish_in_code_is_refused(produkt):
    with pytest.raises(PermissionDenied):
        produkt.latest_revision.publish()
    assert not live(produkt)


@pytest.mark.django_db
def test_publishing_through_a_plain_page_instance_is_refused(produkt):
    from wagtail.models import Page

    page = Page.objects.get(pk=produkt.pk)
    page.live, page.live_revision = True, produkt.latest_revision
    with pytest.raises(PermissionDenied):
        page.save()
    assert not live(produkt)


@pytest.mark.django_db
def test_page_created_live_in_code_is_refused(demo_home):
    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    with pytest.raises(PermissionDenied):
        fachgruppe.add_child(instance=ProduktPage(title="Direkt live", slug="direkt-live",
                                                  kind=ProduktKind.KONZEPT))
    assert not ProduktPage.objects.filter(slug="direkt-live", live=True).exists()


@pytest.mark.django_db
def test_scheduled_publishing_is_refused(produkt):
    revision = produkt.latest_revision
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=5)
    revision.save()
    call_command("publish_scheduled")  # refused and logged, not raised (test_scheduled_publishing)
    assert not live(produkt)


@pytest.mark.django_db
def test_decision_not_yet_published_is_not_live(produkt):
    decide(produkt, until="im_plenum")
    with pytest.raises(PermissionDenied):
        ProduktPage.objects.get(pk=produkt.pk).latest_revision.publish()
    assert not live(produkt)


@pytest.mark.django_db
def test_published_content_is_the_decided_revision(produkt, client):
    vorgang = decide(produkt, until="beschlossen")
    decided = vorgang.revision_id
    edit(produkt, "Spätere Änderung nach dem Beschluss")  # before publishing
    perform_transition(vorgang, "veroeffentlichen", user("redaktion"))
    page = ProduktPage.objects.get(pk=produkt.pk)
    assert page.live and page.live_revision_id == decided
    assert page.summary == "Beschlossene Fassung"
    assert "Spätere Änderung" not in client.get(page.url).content.decode()

    newer = edit(produkt, "Noch eine Änderung nach der Veröffentlichung")
    page = ProduktPage.objects.get(pk=produkt.pk)
    assert page.live_revision_id == decided and page.summary == "Beschlossene Fassung"
    with pytest.raises(PermissionDenied):
        newer.publish()
    html = client.get(page.url).content.decode()
    assert "Noch eine Änderung" not in html
    assert ProduktPage.objects.get(pk=produkt.pk).live_revision_id == decided


@pytest.mark.django_db
def test_a_new_decision_is_needed_to_publish_an_edit(produkt):
    decide(produkt, until="veroeffentlicht")
    newer = edit(produkt, "Zweite Auflage")
    vorgang = decide(ProduktPage.objects.get(pk=produkt.pk), until="veroeffentlicht")
    assert vorgang.revision_id == newer.pk
    page = ProduktPage.objects.get(pk=produkt.pk)
    assert page.live_revision_id == newer.pk and page.summary == "Zweite Auflage"


@pytest.mark.django_db
def test_direct_save_cannot_change_live_content(produkt):
    decide(produkt, until="veroeffentlicht")
    page = ProduktPage.objects.get(pk=produkt.pk)
    page.summary = "Am Beschluss vorbei geändert"
    with pytest.raises(PermissionDenied, match="summary"):
        page.save()
    page = ProduktPage.objects.get(pk=produkt.pk)
    page.title = "Neuer Titel"
    with pytest.raises(PermissionDenied, match="title"):
        page.save(update_fields=["title"])
    assert ProduktPage.objects.get(pk=produkt.pk).summary == "Beschlossene Fassung"


@pytest.mark.django_db
def test_moving_a_decided_produkt_keeps_it_live(produkt, admin_client):
    """Bookkeeping saves (move, draft pointers) of a live decided page still work."""
    decide(produkt, until="veroeffentlicht")
    target = FachgruppePage.objects.get(slug="digitalisierung")
    response = admin_client.post(f"/admin/pages/{produkt.pk}/move/{target.pk}/confirm/")
    assert response.status_code == 302
    page = ProduktPage.objects.get(pk=produkt.pk)
    assert page.live and page.get_parent().pk == target.pk
