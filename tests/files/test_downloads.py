"""A document is served only where its page is (R19, R11, R10).

Before, ``/dokumente/<id>/<name>`` served every file to everyone: attachments of drafts, of
undecided Produkte and of protected pages. Now (``om_pages.files.may_download``) a document is
public only through a live page the public may see, in its published content; otherwise it is
served to the page's editors, to the bodies deciding an open Vorgang of the page
(``workflow.files``), and, for a document no page uses, to users with a permission on its
collection.

The matrix puts each file in a collection no demo user has a permission on ("Ablage"), so
every yes comes from the page rules, not from the collection.
"""

from __future__ import annotations

import pytest
from wagtail.models import Page, PageViewRestriction

from om_pages.models import ProduktKind, ProduktPage, ProtokollDocument, ProtokollPage
from tests.files.conftest import (
    OTHER_GROUP,
    OWN_GROUP,
    collection_of,
    group,
    neutral_collection,
    protokoll_with,
    upload,
)
from tests.workflow.conftest import complete_decision, user
from workflow.services import current_vorgang, perform_transition

#: role → demo user (None: anonymous)
ROLES = {
    "anonym": None,
    "fremde_fachgruppe": "fg-digitalisierung",
    "eigene_fachgruppe": "fg-gefaehrdung",
    "ag_transfer": "agtransfer",  # the deciding body while the Produkt is in the AG Transfer
    "plenum": "plenum",
    "redaktion": "redaktion",
}

Y, N = True, False
#: state of the page using the document → who may download it, in the order of ROLES.
#: The own group edits its pages (R19); the Redaktion edits every page below the home page;
#: the AG Transfer reads while a Vorgang awaits it (R11); a login restriction admits every
#: signed-in user, a password one nobody who has not entered it.
MATRIX = {
    #                      anonym fremde eigene ag_tr plenum redaktion
    "entwurf":             (N,    N,     Y,     N,    N,     Y),
    "entwurf_einer_live":  (N,    N,     Y,     N,    N,     Y),
    "eingereicht":         (N,    N,     Y,     Y,    N,     Y),
    "beschlossen":         (N,    N,     Y,     N,    N,     Y),
    "live_oeffentlich":    (Y,    Y,     Y,     Y,    Y,     Y),
    "passwortgeschuetzt":  (N,    N,     Y,     N,    N,     Y),
    "nur_angemeldet":      (N,    Y,     Y,     Y,    Y,     Y),
    "unter_entwurf":       (N,    N,     Y,     N,    N,     Y),
}


def admin():
    return user("admin")


def submit_produkt(document, steps: list[str]) -> ProduktPage:
    """A Produkt of the own group with its file, taken through ``steps`` of its chain (R11)."""
    fachgruppe = group(OWN_GROUP)
    page = ProduktPage(title="Leitfaden Absturzsicherung", slug="leitfaden-absturzsicherung",
                       kind=ProduktKind.LEITFADEN, live=False, document=document)
    fachgruppe.add_child(instance=page)
    page.save_revision(user=user("fg-gefaehrdung"))
    vorgang = current_vorgang(page)
    for name in steps:
        actor = user("fg-gefaehrdung") if name == "einreichen" else admin()
        perform_transition(vorgang, name, actor, notify=False, **complete_decision(vorgang, name))
    return page


def build(state: str, document):
    """The page in ``state`` that uses ``document``."""
    fachgruppe = group(OWN_GROUP)
    if state == "entwurf":
        return protokoll_with(fachgruppe, document, slug="entwurf-2026", publish=False)
    if state == "entwurf_einer_live":
        page = protokoll_with(fachgruppe, upload(neutral_collection(), "alt.txt"), slug="live-2026",
                              publish=True)
        draft = page.get_latest_revision_as_object()
        draft.documents = [ProtokollDocument(document=document)]  # the new file is only in the draft
        draft.save_revision()
        assert ProtokollPage.objects.get(pk=page.pk).documents.get().document_id != document.pk
        return page
    if state == "eingereicht":
        return submit_produkt(document, ["einreichen"])
    if state == "beschlossen":
        return submit_produkt(document, ["einreichen", "ag_zustimmen", "plenum_beschliessen"])
    page = protokoll_with(fachgruppe, document, slug=f"{state.replace('_', '-')}-2026", publish=True)
    if state == "passwortgeschuetzt":
        PageViewRestriction.objects.create(page=page, restriction_type="password", password="geheim")
    elif state == "nur_angemeldet":
        PageViewRestriction.objects.create(page=page, restriction_type="login")
    elif state == "unter_entwurf":
        Page.objects.filter(pk=fachgruppe.pk).update(live=False)  # the group's page is withdrawn
    return page


def download(client, role: str, document):
    client.logout()
    if ROLES[role] is not None:
        client.force_login(user(ROLES[role]))
    return client.get(document.url)


@pytest.mark.parametrize("state", list(MATRIX))
def test_download_matrix(client, demo_home, state):
    document = upload(neutral_collection(), f"anlage-{state}.txt", f"Anlage {state}\n".encode())
    build(state, document)
    assert document.url.startswith("/dokumente/")
    got = {}
    for role in ROLES:
        response = download(client, role, document)
        got[role] = response.status_code == 200
        if not got[role]:
            # anonymous visitors are sent to the login, signed-in users are refused
            assert response.status_code == (302 if ROLES[role] is None else 403), (role, response)
        else:
            assert b"".join(response.streaming_content) == f"Anlage {state}\n".encode()
    expected = dict(zip(ROLES, MATRIX[state], strict=True))
    assert got == expected


def test_a_password_once_entered_opens_the_file_too(client, demo_home):
    document = upload(neutral_collection(), "anlage-passwort.txt")
    page = build("passwortgeschuetzt", document)
    restriction = PageViewRestriction.objects.get(page=page)
    assert client.get(document.url).status_code == 302
    response = client.post(f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
                           {"password": "geheim", "return_url": page.url})
    assert response.status_code == 302
    assert client.get(document.url).status_code == 200


def test_a_document_no_page_uses_is_served_to_its_collection_only(client, demo_home):
    document = upload(collection_of(OWN_GROUP), "unbenutzt.txt")
    expected = {"anonym": N, "fremde_fachgruppe": N, "eigene_fachgruppe": Y, "ag_transfer": N,
                "plenum": N, "redaktion": N}
    assert {role: download(client, role, document).status_code == 200 for role in ROLES} == expected


def test_the_public_file_of_a_live_produkt_with_an_undecided_new_file(client, demo_home):
    """A decided, live Produkt stays public; a new file in its draft is not (R11)."""
    from tests.approval import publish_decided

    decided = upload(neutral_collection(), "beschlossen.txt")
    page = submit_produkt(decided, [])
    page = publish_decided(page)
    newer = upload(neutral_collection(), "neu.txt")
    draft = page.get_latest_revision_as_object()
    draft.document = newer
    draft.save_revision()
    assert download(client, "anonym", decided).status_code == 200
    assert download(client, "anonym", newer).status_code == 302
    assert download(client, "fremde_fachgruppe", newer).status_code == 403
    assert download(client, "eigene_fachgruppe", newer).status_code == 200


def test_other_group_attached_file_is_not_public_through_a_draft_of_a_foreign_page(client, demo_home):
    """Files of another group's collection, referenced only by a draft, stay closed."""
    document = upload(collection_of(OTHER_GROUP), "intern.txt")
    build("entwurf", document)
    assert download(client, "anonym", document).status_code == 302
    assert download(client, "fremde_fachgruppe", document).status_code == 200  # its collection


def test_the_deciding_body_reads_the_pinned_revision_after_a_newer_draft(client, demo_home):
    """The AG Transfer decides the submitted revision (revision pinning), even when the group
    has saved a newer draft without the file since."""
    document = upload(neutral_collection(), "eingereicht.txt")
    page = submit_produkt(None, [])
    draft = page.get_latest_revision_as_object()
    draft.document = document
    draft.save_revision()
    vorgang = current_vorgang(page)
    perform_transition(vorgang, "einreichen", user("fg-gefaehrdung"), notify=False,
                       **complete_decision(vorgang, "einreichen"))
    newer = ProduktPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    newer.document = None
    newer.save_revision()
    assert download(client, "ag_transfer", document).status_code == 200
    assert download(client, "plenum", document).status_code == 403
    assert download(client, "anonym", document).status_code == 302
