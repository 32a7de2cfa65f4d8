"""Every role × every transition, allowed exactly as specified (R1, R10, R11, R19, R21, R22).

Through the real admin view (Django test client) and through the model API
(``perform_transition``), which every path uses.
"""

import pytest
from django.core.exceptions import PermissionDenied

from tests.workflow.conftest import (
    ALLOWED,
    ROLES,
    SPEC,
    all_transitions,
    complete_decision,
    form_data,
    make_vorgang,
    user,
)
from workflow.models import Eintrag, Vorgang
from workflow.services import perform_transition


def test_every_step_is_specified():
    """A new step needs a line in SPEC, so it cannot slip past the matrix."""
    assert {(kind, name) for kind, name, _, _ in all_transitions()} == set(SPEC)


CASES = [(kind, name, source, actor, role)
         for kind, name, source, actor in all_transitions() for role in ROLES]


def case_id(case):
    kind, name, _, _, role = case
    return f"{kind}-{name}-{role}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_admin_view(demo_home, client, case):
    kind, name, source, actor, role = case
    vorgang = make_vorgang(kind, source, name=name)
    actor_user = user(ROLES[role])
    if actor_user is not None:
        client.force_login(actor_user)
    expected = role in ALLOWED[actor]
    target = type(vorgang).transition_meta(name).target
    url = f"/admin/freigabe/{vorgang.page_id}/{name}/"

    response = client.post(url, form_data(vorgang, name))

    vorgang = Vorgang.objects.get(pk=vorgang.pk)
    entries = Eintrag.objects.filter(vorgang=vorgang).count()
    if expected:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert vorgang.state == target
        assert entries == 1
    else:
        assert response.status_code in (302, 403)
        if response.status_code == 302:  # Wagtail turns PermissionDenied into a redirect
            assert response.url == "/admin/" or "/admin/login/" in response.url
        assert vorgang.state == source
        assert entries == 0


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_model_api(demo_home, case):
    kind, name, source, actor, role = case
    vorgang = make_vorgang(kind, source, name=name)
    actor_user = user(ROLES[role])
    from django.contrib.auth.models import AnonymousUser

    actor_user = actor_user or AnonymousUser()
    if role in ALLOWED[actor]:
        perform_transition(vorgang, name, actor_user, **complete_decision(vorgang, name))
        assert Vorgang.objects.get(pk=vorgang.pk).state == type(vorgang).transition_meta(name).target
    else:
        with pytest.raises(PermissionDenied, match="nicht ausführen"):
            perform_transition(vorgang, name, actor_user, **complete_decision(vorgang, name))
        assert Vorgang.objects.get(pk=vorgang.pk).state == source
        assert not Eintrag.objects.filter(vorgang=vorgang).exists()


@pytest.mark.django_db
def test_action_menu_shows_only_allowed_steps(demo_home, client, users):
    """The editor's action menu offers the steps the user may take, and no publish button."""
    vorgang = make_vorgang("produkt", "beschlossen")
    edit_url = f"/admin/pages/{vorgang.page_id}/edit/"
    step_url = f"/admin/freigabe/{vorgang.page_id}/veroeffentlichen/"
    client.force_login(users["redaktion"])
    html = client.get(edit_url).content.decode()
    assert "Beschlossenen Stand veröffentlichen" in html and step_url in html
    assert 'name="action-publish"' not in html
    client.force_login(users["eigene_fachgruppe"])
    html = client.get(edit_url).content.decode()
    assert f"/admin/freigabe/{vorgang.page_id}/zurueckziehen/" in html
    assert step_url not in html
    assert 'name="action-publish"' not in html


@pytest.mark.django_db
def test_body_members_reach_their_steps_from_the_listing(demo_home, client, users):
    """AG Transfer members cannot edit pages; the Vorgang's inspect view links their steps."""
    vorgang = make_vorgang("produkt", "in_ag_transfer")
    client.force_login(users["ag_transfer"])
    html = client.get(f"/admin/vorgaenge/inspect/{vorgang.pk}/").content.decode()
    assert f"/admin/freigabe/{vorgang.page_id}/ag_zustimmen/" in html
    client.force_login(users["plenum"])
    html = client.get(f"/admin/vorgaenge/inspect/{vorgang.pk}/").content.decode()
    assert "/admin/freigabe/" not in html


@pytest.mark.django_db
def test_withdrawing_is_apart_final_and_confirmed(demo_home, client, users):
    """The step "Zurückziehen" is not a peer of "einreichen" and asks for a confirmation."""
    from om_pages.models import FachgruppePage, ProduktKind, ProduktPage

    fachgruppe = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung")
    fresh = ProduktPage(title="Neuer Entwurf", slug="neuer-entwurf", kind=ProduktKind.KONZEPT, live=False)
    fachgruppe.add_child(instance=fresh)
    fresh.save_revision()
    client.force_login(users["eigene_fachgruppe"])
    html = client.get(f"/admin/pages/{fresh.pk}/edit/").content.decode()
    assert f"/admin/freigabe/{fresh.pk}/einreichen/" in html
    assert f"/admin/freigabe/{fresh.pk}/zurueckziehen/" not in html  # nothing to withdraw yet

    vorgang = make_vorgang("produkt", "in_ag_transfer")
    html = client.get(f"/admin/pages/{vorgang.page_id}/edit/").content.decode()
    assert "Zurückziehen (endgültig)" in html
    url = f"/admin/freigabe/{vorgang.page_id}/zurueckziehen/"
    assert "Dieser Schritt ist endgültig" in client.get(url).content.decode()
    response = client.post(url, {"comment": "Wir verfolgen das nicht weiter."})
    assert response.status_code == 400
    assert "confirm" in response.context["form"].errors
    assert Vorgang.objects.get(pk=vorgang.pk).state == "in_ag_transfer"
    response = client.post(url, {"comment": "Wir verfolgen das nicht weiter.", "confirm": "on"})
    assert response.status_code == 302
    assert Vorgang.objects.get(pk=vorgang.pk).state == "zurueckgezogen"
