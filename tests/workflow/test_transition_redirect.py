"""After a decision each actor lands where they may look (R11, R19): the editor or the Vorgang.

Body members without page permissions (AG Transfer, Plenum) used to be sent to the page
editor and greeted with Wagtail's "no access" error right after a successful decision.
"""

import pytest

from tests.workflow.conftest import form_data, make_vorgang, user
from workflow.models import Kind

pytestmark = pytest.mark.django_db

NO_ACCESS = "Sie haben leider keinen Zugang zu diesem Bereich."


@pytest.mark.parametrize(("username", "state", "name"), [
    ("agtransfer", "in_ag_transfer", "ag_zustimmen"),
    ("plenum", "im_plenum", "plenum_beschliessen"),
])
def test_body_member_without_page_rights_lands_on_the_vorgang(demo_home, client, username, state, name):
    vorgang = make_vorgang(Kind.PRODUKT, state)
    client.force_login(user(username))
    url = f"/admin/freigabe/{vorgang.page_id}/{name}/"

    form = client.get(url)
    inspect_url = f"/admin/vorgaenge/inspect/{vorgang.pk}/"
    assert f'href="{inspect_url}">Abbrechen' in form.content.decode()

    response = client.post(url, form_data(vorgang, name), follow=True)
    assert response.redirect_chain == [(inspect_url, 302)]
    page = response.content.decode()
    assert NO_ACCESS not in page
    assert "erfasst" in page


def test_editor_returns_to_the_page_editor(demo_home, client):
    vorgang = make_vorgang(Kind.PRODUKT, "beschlossen")
    client.force_login(user("redaktion"))  # the Redaktion may edit pages
    response = client.post(f"/admin/freigabe/{vorgang.page_id}/veroeffentlichen/",
                           form_data(vorgang, "veroeffentlichen"))
    assert response.status_code == 302
    assert response.url == f"/admin/pages/{vorgang.page_id}/edit/"
