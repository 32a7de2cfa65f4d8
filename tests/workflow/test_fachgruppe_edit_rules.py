"""R2, R17, R21 after recognition: a group edits its own page (R19), but not past the rules.

Every test goes through the real admin edit view (``/admin/pages/<id>/edit/``), posting the
form as the browser would (``querydict_from_html`` on the rendered form).
"""

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import querydict_from_html

from om_pages.models import FachgruppePage
from tests.workflow.conftest import held_top, user
from workflow.models import is_recognised
from workflow.page_forms import FachgruppePageForm
from workflow.services import perform_transition
from workflow.vorgang import MACHINES, Vorgang

PUBLISH = {"action-publish": "action-publish"}
DRAFT: dict = {}  # the edit view saves a draft when no action is posted


def edit_form(client, page: FachgruppePage) -> tuple[str, dict]:
    url = f"/admin/pages/{page.pk}/edit/"
    response = client.get(url)
    assert response.status_code == 200
    return url, querydict_from_html(response.content.decode(), form_id="page-edit-form")


def post_edit(client, page: FachgruppePage, changes: dict, action: dict):
    """Post the edit form with ``changes`` (``None``: the field is not sent, an unchecked box)."""
    url, data = edit_form(client, page)
    for name, value in {**changes, **action}.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data, client.post(url, data)


def shown_value(form: dict, name: str):
    """A field's value as re-rendered (Django writes a newline after <textarea>, browsers drop it)."""
    value = form.get(name)
    return value.removeprefix("\n") if isinstance(value, str) else value


def snapshot(page: FachgruppePage) -> tuple:
    page = FachgruppePage.objects.get(pk=page.pk)
    return page.title, page.topic_area, page.summary, page.latest_revision_id, page.live_revision_id


@pytest.fixture
def digitalisierung(demo_home):
    page = FachgruppePage.objects.get(slug="digitalisierung")
    assert page.live and is_recognised(page)
    return page


def test_fachgruppe_page_is_edited_through_the_rule_form():
    form_class = FachgruppePage.get_edit_handler().get_form_class()
    assert issubclass(form_class, FachgruppePageForm)


@pytest.mark.django_db
def test_member_renames_within_r2_and_publishes(digitalisierung, client):
    """R19 still holds: the group renames itself, the topic stays visible (R2)."""
    client.force_login(user("fg-digitalisierung"))
    _, response = post_edit(client, digitalisierung,
                            {"title": "Fachgruppe Digitalisierung in kleinen Betrieben"}, PUBLISH)
    assert response.status_code == 302
    page = FachgruppePage.objects.get(pk=digitalisierung.pk)
    assert page.title == "Fachgruppe Digitalisierung in kleinen Betrieben" and page.live
    assert page.topic_area == "Digitalisierung"


@pytest.mark.django_db
@pytest.mark.parametrize("action", [PUBLISH, DRAFT], ids=["publish", "draft"])
@pytest.mark.parametrize("username", ["fg-digitalisierung", "redaktion"])
def test_rename_hiding_the_topic_is_refused_and_the_form_kept(digitalisierung, client, username, action):
    """R2: a name without the topic is refused for publishing and as a draft alike."""
    client.force_login(user(username))
    before = snapshot(digitalisierung)
    posted, response = post_edit(client, digitalisierung, {
        "title": "Fachgruppe Gute Arbeit",
        "summary": "Neue Kurzbeschreibung, die nicht verloren gehen darf.",
        "open_to_all_partners": None,  # unchecked box: a change elsewhere in the form
    }, action)
    assert response.status_code == 200
    html = response.content.decode()
    assert ("R2: Das Thema „Digitalisierung“ ist im Namen „Fachgruppe Gute Arbeit“ nicht erkennbar."
            in html)
    assert snapshot(digitalisierung) == before
    shown = querydict_from_html(html, form_id="page-edit-form")
    for field in ("title", "summary", "topic_area", "koordination", "moderation", "members-TOTAL_FORMS",
                  "members-0-organisation", "members-4-organisation", "slug"):
        assert shown_value(shown, field) == posted.get(field), field
    assert "open_to_all_partners" not in shown  # the unchecked box stays unchecked


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["fg-digitalisierung", "redaktion"])
@pytest.mark.parametrize("title, topic", [
    ("Fachgruppe Digitalisierung im Mittelstand", "Digitale Arbeitswelt"),
    ("Fachgruppe Fachkräftesicherung", "Fachkräftesicherung"),  # another group's topic (R17)
], ids=["new_topic", "other_groups_topic"])
def test_member_cannot_change_the_topic_area_of_a_recognised_group(digitalisierung, client, username,
                                                                   title, topic):
    """R21: a new split of topic areas goes through the AG Transfer, not the group's own edit."""
    client.force_login(user(username))
    before = snapshot(digitalisierung)
    posted, response = post_edit(client, digitalisierung, {"title": title, "topic_area": topic}, PUBLISH)
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Der Themenbereich einer anerkannten Fachgruppe wird nur über die AG Transfer "
            "geändert (R21)") in html
    assert "Bisheriger Themenbereich: „Digitalisierung“." in html
    assert snapshot(digitalisierung) == before
    shown = querydict_from_html(html, form_id="page-edit-form")
    assert (shown_value(shown, "title"), shown_value(shown, "topic_area")) == (title, topic)


@pytest.mark.django_db
def test_refused_topic_change_also_reports_a_name_without_the_topic(digitalisierung, client):
    """Every reason at once: R21 for the topic, R2 for the name measured against the topic that stays."""
    client.force_login(user("fg-digitalisierung"))
    _, response = post_edit(client, digitalisierung,
                            {"title": "Fachgruppe Gute Arbeit", "topic_area": "Gute Arbeit"}, PUBLISH)
    html = response.content.decode()
    assert response.status_code == 200
    assert "(R21)" in html
    assert "R2: Das Thema „Digitalisierung“ ist im Namen „Fachgruppe Gute Arbeit“ nicht erkennbar." in html


def grant_page_rights(group_name: str, page: FachgruppePage) -> None:
    group = Group.objects.get(name=group_name)
    for codename in ("change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group, page=page,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename))


def announce_topic_change(page: FachgruppePage, comment: str) -> None:
    """R21: the AG Transfer announces the new topic area under a TOP of its Sitzung."""
    vorgang = Vorgang.objects.latest_anerkennung(page)
    vorgang = MACHINES[vorgang.kind].objects.get(pk=vorgang.pk)
    perform_transition(vorgang, "themenwechsel_bekanntgeben", user("agtransfer"), comment=comment,
                       top=held_top(vorgang, "ag_transfer"))


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["agtransfer", "admin"])
def test_ag_transfer_and_superuser_change_the_topic_area(digitalisierung, client, username):
    """R21: after the announcement in the AG Transfer, the AG Transfer enters the new topic
    area; superusers may change it anyway."""
    grant_page_rights("AG Transfer", digitalisierung)  # the demo's AG Transfer has no page rights
    if username == "agtransfer":
        announce_topic_change(digitalisierung, "Neuer Themenbereich: Digitale Arbeitswelt")
    client.force_login(user(username))
    _, response = post_edit(client, digitalisierung, {
        "title": "Fachgruppe Digitale Arbeitswelt", "topic_area": "Digitale Arbeitswelt"}, PUBLISH)
    assert response.status_code == 302
    page = FachgruppePage.objects.get(pk=digitalisierung.pk)
    assert (page.title, page.topic_area, page.live) == ("Fachgruppe Digitale Arbeitswelt",
                                                        "Digitale Arbeitswelt", True)


@pytest.mark.django_db
def test_ag_transfer_rights_alone_do_not_exempt_a_plenum_member(digitalisierung, client):
    """The exemption follows the AG Transfer group, not page rights: the Plenum with them is refused."""
    grant_page_rights("Plenum", digitalisierung)
    client.force_login(user("plenum"))
    _, response = post_edit(client, digitalisierung, {"topic_area": "Digitale Arbeitswelt"}, PUBLISH)
    assert response.status_code == 200
    assert "(R21)" in response.content.decode()
    assert FachgruppePage.objects.get(pk=digitalisierung.pk).topic_area == "Digitalisierung"


@pytest.fixture
def applicant(demo_home):
    """An application in draft: not live, not recognised; its topic may still change (R1)."""
    page = FachgruppePage.objects.get(slug="nachhaltigkeit")
    assert not page.live and not is_recognised(page)
    return page


@pytest.mark.django_db
def test_applications_topic_may_change_but_not_onto_a_taken_topic(applicant, client):
    """R17: the same topic as a live group is refused (red) ..."""
    client.force_login(user("redaktion"))
    _, response = post_edit(client, applicant, {
        "title": "Fachgruppe Digitalisierung", "topic_area": "Digitalisierung"}, DRAFT)
    assert response.status_code == 200
    html = response.content.decode()
    assert ("R17: Für den Themenbereich „Digitalisierung“ gibt es bereits die "
            "Fachgruppe Digitalisierung im Mittelstand.") in html
    assert "(R21)" not in html
    draft = FachgruppePage.objects.get(pk=applicant.pk).latest_revision.as_object()
    assert (draft.title, draft.topic_area) == ("Fachgruppe Nachhaltigkeit im Mittelstand", "Nachhaltigkeit")


@pytest.mark.django_db
def test_applications_overlapping_topic_is_only_a_warning(applicant, client):
    """... an overlapping topic is amber in the Kriterien-Check and does not block the edit."""
    client.force_login(user("redaktion"))
    _, response = post_edit(client, applicant, {"title": "Fachgruppe Nachhaltige Digitalisierung",
                                                 "topic_area": "Nachhaltige Digitalisierung"}, DRAFT)
    assert response.status_code == 302
    draft = FachgruppePage.objects.get(pk=applicant.pk).latest_revision.as_object()
    assert draft.topic_area == "Nachhaltige Digitalisierung"


@pytest.mark.django_db
def test_applications_topic_change_is_checked_against_its_name(applicant, client):
    """R2 also when only the topic changes: the error sits at the topic field."""
    client.force_login(user("redaktion"))
    _, response = post_edit(client, applicant, {"topic_area": "Arbeitsschutz"}, DRAFT)
    assert response.status_code == 200
    assert ("R2: Das Thema „Arbeitsschutz“ ist im Namen „Fachgruppe Nachhaltigkeit im Mittelstand“ "
            "nicht erkennbar.") in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("action", [PUBLISH, DRAFT], ids=["publish", "draft"])
def test_an_organisation_listed_twice_is_refused_by_name(digitalisierung, client, action):
    """R4, R13: each participating organisation once; the error names it, in German, and the
    page keeps its members."""
    before = list(digitalisierung.members.values_list("organisation_id", flat=True))
    client.force_login(user("fg-digitalisierung"))
    url, data = edit_form(client, digitalisierung)
    total = int(data["members-TOTAL_FORMS"])
    organisation = digitalisierung.members.first().organisation
    data.update({f"members-{total}-organisation": str(organisation.pk), f"members-{total}-id": "",
                 f"members-{total}-ORDER": str(total + 1), f"members-{total}-DELETE": "",
                 f"members-{total}-joined_on": "", "members-TOTAL_FORMS": str(total + 1), **action})
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"„{organisation}“ steht mehrfach unter den beteiligten Organisationen" in html
    assert "page und organisation" not in html
    page = FachgruppePage.objects.get(pk=digitalisierung.pk)
    assert list(page.members.values_list("organisation_id", flat=True)) == before
