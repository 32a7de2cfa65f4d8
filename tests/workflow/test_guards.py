"""Each guard blocks its transition and the editor sees every reason at once (R1-R5, R10, R17)."""

import pytest

from om_pages.models import FachgruppePage, VeranstaltungPage
from tests.workflow.conftest import make_vorgang, user
from workflow.services import TransitionError, perform_transition


def applicant(demo_home):
    """The demo applicant in 'entwurf' (Nachhaltigkeit) and its own contact's account."""
    page = FachgruppePage.objects.get(slug="nachhaltigkeit")
    return page, user("fg-nachhaltigkeit")


def submit_draft(page, **changes):
    draft = page.get_latest_revision_as_object()
    for key, value in changes.items():
        setattr(draft, key, value)
    draft.save_revision()


@pytest.mark.django_db
@pytest.mark.parametrize("rule, changes", [
    ("R2", {"title": "Fachgruppe Nord-West"}),
    ("R3", {"mandatory_fee": True}),
    ("R5", {"moderation": None}),
    ("R17", {"topic_area": "Digitalisierung", "title": "Fachgruppe Digitalisierung Plus"}),
], ids=["R2", "R3", "R5", "R17"])
def test_application_guard_blocks(demo_home, rule, changes):
    page, editor = applicant(demo_home)
    submit_draft(page, **changes)
    vorgang = make_vorgang("anerkennung", "entwurf", page=page)
    with pytest.raises(TransitionError) as raised:
        perform_transition(vorgang, "beantragen", editor)
    assert any(message.startswith(f"{rule}:") for message in raised.value.messages)
    assert vorgang.eintraege.count() == 0


@pytest.mark.django_db
def test_r4_three_intermediaries(demo_home):
    page, editor = applicant(demo_home)
    draft = page.get_latest_revision_as_object()
    draft.members = list(draft.members.all())[:2]
    draft.save_revision()
    vorgang = make_vorgang("anerkennung", "entwurf", page=page)
    with pytest.raises(TransitionError) as raised:
        perform_transition(vorgang, "beantragen", editor)
    assert [m[:3] for m in raised.value.messages] == ["R4:"]


@pytest.mark.django_db
def test_every_reason_shown_at_once_in_the_admin(demo_home, client):
    page, editor = applicant(demo_home)
    submit_draft(page, title="Fachgruppe Nord-West", mandatory_fee=True, open_to_all_partners=False,
                 moderation=None)
    client.force_login(editor)
    response = client.post(f"/admin/freigabe/{page.pk}/beantragen/", {"comment": ""})
    html = response.content.decode()
    assert response.status_code == 400
    for text in ("R2:", "nicht erkennbar", "R3:", "verpflichtenden Mitgliedsbeitrag",
                 "nicht für alle Partner offen", "R5:"):
        assert text in html
    get = client.get(f"/admin/freigabe/{page.pk}/beantragen/").content.decode()
    assert "R2:" in get and "R5:" in get  # shown before submitting, too


@pytest.mark.django_db
def test_valid_application_passes(demo_home):
    page, editor = applicant(demo_home)
    vorgang = make_vorgang("anerkennung", "entwurf", page=page)
    perform_transition(vorgang, "beantragen", editor)
    assert vorgang.state == "beim_leitungskreis"
    assert vorgang.revision_id == page.latest_revision_id  # the application is pinned


@pytest.mark.django_db
def test_r10_workshop_needs_no_consent_and_others_do(demo_home):
    editor = user("fg-gefaehrdung")
    seminar = VeranstaltungPage.objects.get(slug="praxisseminar-gefaehrdungsbeurteilung")
    vorgang = make_vorgang("veranstaltung", "entwurf", page=seminar)
    with pytest.raises(TransitionError, match="R10"):
        perform_transition(vorgang, "ohne_zustimmung_freigeben", editor)
    workshop = VeranstaltungPage.objects.get(slug="erprobungsworkshop-checkliste")
    vorgang = make_vorgang("veranstaltung", "entwurf", page=workshop)
    with pytest.raises(TransitionError, match="R10"):
        perform_transition(vorgang, "einreichen", editor)
    perform_transition(vorgang, "ohne_zustimmung_freigeben", editor)
    assert vorgang.state == "beschlossen"


@pytest.mark.django_db
def test_only_recognised_groups_submit_products(demo_home):
    """R1/R22: after withdrawal a group's products can no longer be submitted."""
    anerkennung = make_vorgang("anerkennung", "aberkannt", page=FachgruppePage.objects.get(
        slug="gefaehrdungsbeurteilung"))
    assert anerkennung.state == "aberkannt"
    vorgang = make_vorgang("produkt", "entwurf")
    with pytest.raises(TransitionError, match="nicht \\(mehr\\) anerkannt"):
        perform_transition(vorgang, "einreichen", user("fg-gefaehrdung"))


@pytest.mark.django_db
@pytest.mark.parametrize("name, missing, message", [
    ("ag_zustimmen", "top", "Tagesordnungspunkt der Sitzung der AG Transfer"),
    ("ag_zustimmen", "checklist", "nicht bestätigt: R6, R8, R9, R15, R23"),
    ("ag_ablehnen", "comment", "Begründung"),
])
def test_decision_record_must_be_complete(demo_home, name, missing, message):
    from tests.workflow.conftest import complete_decision

    vorgang = make_vorgang("produkt", "in_ag_transfer")
    data = complete_decision(vorgang, name)
    data[missing] = "" if missing == "comment" else None
    with pytest.raises(TransitionError, match=message):
        perform_transition(vorgang, name, user("agtransfer"), **data)


@pytest.mark.django_db
def test_checklist_partly_confirmed_blocks_approval(demo_home):
    from tests.workflow.conftest import complete_decision

    vorgang = make_vorgang("produkt", "in_ag_transfer")
    data = complete_decision(vorgang, "ag_zustimmen")
    data["checklist"]["R8"] = False
    with pytest.raises(TransitionError, match="R8"):
        perform_transition(vorgang, "ag_zustimmen", user("agtransfer"), **data)
    data["checklist"]["R8"] = True
    entry = perform_transition(vorgang, "ag_zustimmen", user("agtransfer"), **data)
    assert entry.checklist == {"R6": True, "R8": True, "R9": True, "R15": True, "R23": True}


@pytest.mark.django_db
def test_plenum_vote_must_match_the_decision(demo_home):
    from tests.workflow.conftest import complete_decision

    vorgang = make_vorgang("produkt", "im_plenum")
    data = complete_decision(vorgang, "plenum_beschliessen")
    data["votes"] = (3, 10, 0)
    with pytest.raises(TransitionError, match="nicht angenommen"):
        perform_transition(vorgang, "plenum_beschliessen", user("plenum"), **data)


@pytest.mark.django_db
def test_sitzung_must_be_of_the_deciding_body(demo_home):
    from tests.workflow.conftest import complete_decision, held_top

    vorgang = make_vorgang("produkt", "im_plenum")
    data = complete_decision(vorgang, "plenum_beschliessen")
    data["top"] = held_top(vorgang, "ag_transfer")
    with pytest.raises(TransitionError, match="ist keine Sitzung der Plenum"):
        perform_transition(vorgang, "plenum_beschliessen", user("plenum"), **data)


@pytest.mark.django_db
def test_r17_topic_of_a_withdrawn_group_is_free_again(demo_home):
    """R17 with R22: a group whose name was withdrawn holds no topic any more."""
    page, editor = applicant(demo_home)
    submit_draft(page, topic_area="Gefährdungsbeurteilung", title="Fachgruppe Gefährdungsbeurteilung Neu")
    vorgang = make_vorgang("anerkennung", "entwurf", page=page)
    with pytest.raises(TransitionError, match="R17"):
        perform_transition(vorgang, "beantragen", editor)
    make_vorgang("anerkennung", "aberkannt",
                 page=FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung"))
    perform_transition(vorgang, "beantragen", editor)
    assert vorgang.state == "beim_leitungskreis"


@pytest.mark.django_db
def test_bad_input_gives_german_errors_not_500(demo_home, client):
    vorgang = make_vorgang("produkt", "im_plenum")
    client.force_login(user("plenum"))
    url = f"/admin/freigabe/{vorgang.page_id}/plenum_beschliessen/"
    response = client.post(url, {"top": "999999", "votes_yes": "viele", "votes_no": "-1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte einen Tagesordnungspunkt dieser Vorlage in einer Sitzung dieses Gremiums wählen." in html
    assert "Bitte eine ganze Zahl angeben." in html
    assert "Bitte die Zahl der Enthaltungen angeben." in html
    assert client.get(f"/admin/freigabe/{vorgang.page_id}/gibt_es_nicht/").status_code == 404
    protokoll = FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung").get_children().first()
    assert client.get(f"/admin/freigabe/{protokoll.pk}/einreichen/").status_code == 404
    assert client.get("/admin/freigabe/99999999/einreichen/").status_code == 404


@pytest.mark.django_db
def test_decision_form_names_every_missing_piece_at_its_field(demo_home, client):
    """One round shows the missing TOP and every unconfirmed criterion, each at its field."""
    from workflow.models import CHECKLIST

    vorgang = make_vorgang("produkt", "in_ag_transfer")
    client.force_login(user("agtransfer"))
    url = f"/admin/freigabe/{vorgang.page_id}/ag_zustimmen/"
    response = client.post(url, {"comment": "", "check_R6": "on"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "top" in errors
    assert set(errors) >= {f"check_{rule}" for rule in CHECKLIST if rule != "R6"}
    assert "check_R6" not in errors
    assert "R8" in " ".join(errors["check_R8"])
    assert not response.context["errors"]  # nothing only at the top of the page


@pytest.mark.django_db
def test_decision_form_puts_a_contradictory_vote_at_the_vote(demo_home, client):
    vorgang = make_vorgang("produkt", "im_plenum")
    client.force_login(user("plenum"))
    url = f"/admin/freigabe/{vorgang.page_id}/plenum_beschliessen/"
    response = client.post(url, {"votes_yes": "2", "votes_no": "9", "votes_abstain": "0"})
    errors = response.context["form"].errors
    assert "nicht angenommen" in " ".join(errors["votes_yes"]) and "top" in errors
