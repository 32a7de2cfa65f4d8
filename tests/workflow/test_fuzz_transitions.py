"""Fuzzing the approval-chain steps (R1, R10, R11, R21, R22): hostile posts to the admin
transition form never cause a 500, move a Vorgang only on a complete decision by the body whose
turn it is, and a stored comment (or Protokoll or page title) full of script is shown as text
in every admin record view and on the public pages.

The transition form is ``workflow.views.transition_view`` (``/admin/freigabe/<page_id>/<step>/``).
Each example runs in a savepoint that is rolled back, so examples do not see each other's steps.
"""

from __future__ import annotations

import datetime
import re
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import event, given, settings
from hypothesis import strategies as st
from wagtail.models import Page

from om_pages.models import FachgruppePage, GremiumPage
from tests.cms.test_fuzz import (
    FUZZ_SLOW,
    HOSTILE_STRINGS,
    MARKER,
    assert_no_script_from_input,
    hostile,
)
from tests.workflow.conftest import (
    ALLOWED,
    ROLES,
    SPEC,
    all_transitions,
    form_data,
    make_vorgang,
    protokoll,
    subject_page,
    user,
)
from workflow.models import (
    CHECKLIST,
    MACHINES,
    Eintrag,
    Sitzung,
    SitzungState,
    State,
    Tagesordnungspunkt,
    TopKind,
    Vorgang,
)
from workflow.services import current_vorgang, kind_for_page

pytestmark = pytest.mark.django_db

#: What the view may answer; 500 never (302: success, login, or Wagtail's "no permission" redirect).
ANSWERS = {200, 302, 400, 403, 404, 409}
#: Hostile strings that would be live markup if shown unescaped.
MARKUP = [s for s in HOSTILE_STRINGS if MARKER in s]
TRANSITIONS = all_transitions()  # (kind, name, first source, actor)
CHECK_FIELDS = [f"check_{rule}" for rule in CHECKLIST]

# Symbolic TOPs the step must refuse, made inside the test (strategies run before the database).
FOREIGN_TOPS = ["other_body", "other_vorgang", "planned", "invited", "future", "closed",
                "before_submission", "fachgruppe"]
number = st.one_of(
    st.integers(min_value=-10**6, max_value=10**6),
    st.integers(min_value=10_000, max_value=10**40),
    st.integers(min_value=-(10**40), max_value=-1),
).map(str)
vote = st.one_of(hostile, number, st.just("9" * 5000), st.just("1e3"), st.just("5.0"), st.just(" 7 "))
top_value = st.one_of(hostile, number, st.sampled_from(FOREIGN_TOPS))
checkbox = st.one_of(hostile, st.sampled_from(["on", "off", "false", "False", "0", "1", ""]))
#: A change to the otherwise complete decision: a hostile value, or the field left out (None).
MUTATIONS = st.fixed_dictionaries({}, optional={
    "comment": st.one_of(hostile, st.none()),
    "top": st.one_of(top_value, st.none()),
    "votes_yes": st.one_of(vote, st.none()),
    "votes_no": st.one_of(vote, st.none()),
    "votes_abstain": st.one_of(vote, st.none()),
    **{name: st.one_of(checkbox, st.none()) for name in CHECK_FIELDS},
    # mass assignment: fields that are not in the form must change nothing
    "state": st.sampled_from([s.value for s in State]),
    "user": hostile, "revision": number, "page": number, "vorgang": number, "date": hostile,
})
FUZZ_TRANSITIONS = settings(FUZZ_SLOW, max_examples=80)


@contextmanager
def rolled_back():
    """One example's database changes, undone afterwards (a savepoint inside the test's transaction)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def resolve_top(value: str, body: str | None, vorgang) -> str:
    """A symbolic foreign TOP → the pk of such a TOP (one the step must refuse, R10, R11)."""
    if value not in FOREIGN_TOPS:
        return value
    body = body or "plenum"
    now = timezone.now()
    sitzung = {"gremium": body, "starts_at": now - datetime.timedelta(minutes=1),
               "state": SitzungState.GEHALTEN}
    subject = vorgang
    if value == "other_body":
        sitzung["gremium"] = "plenum" if body == "ag_transfer" else "ag_transfer"
    elif value == "other_vorgang":
        subject = Vorgang.objects.exclude(pk=vorgang.pk).first()
    elif value in ("planned", "invited"):
        sitzung["state"] = {"planned": SitzungState.GEPLANT, "invited": SitzungState.EINGELADEN}[value]
    elif value == "future":
        sitzung["starts_at"] = now + datetime.timedelta(days=30)
    elif value == "closed":
        sitzung["state"] = SitzungState.ABGESCHLOSSEN
    elif value == "before_submission":
        sitzung["starts_at"] = now - datetime.timedelta(days=150)
    elif value == "fachgruppe":
        sitzung.update(gremium="fachgruppe",
                       fachgruppe=FachgruppePage.objects.get(slug="gefaehrdungsbeurteilung"))
    held = Sitzung.objects.create(**sitzung)
    return str(Tagesordnungspunkt.objects.create(sitzung=held, sort_order=0, vorgang=subject,
                                                 kind=TopKind.VORGANG, title="Fremder TOP").pk)


def sources_of(machine, name: str) -> set[str]:
    return {t.source for t in machine._meta.get_field("state").get_all_transitions(machine) if t.name == name}


def fields_of(custom: dict) -> set[str]:
    """The form fields a step asks for (a hostile value elsewhere must be ignored)."""
    fields = {"comment"}
    if custom["protokoll"]:
        fields.add("top")
    if custom["votes"]:
        fields |= {"votes_yes", "votes_no", "votes_abstain"}
    if custom["checklist"]:
        fields |= set(CHECK_FIELDS)
    return fields


def snapshot(page) -> dict[int, str]:
    return dict(Vorgang.objects.filter(page=page).values_list("pk", "state"))


def assert_complete_record(entry: Eintrag, custom: dict, posted: dict) -> None:
    """What R1/R10/R11/R22 demand of a taken step, checked on what was stored."""
    assert entry.comment == (posted.get("comment") or "").strip()
    assert "\x00" not in entry.comment
    if custom["reasons"]:
        assert entry.comment.strip(), "a refusal or return without reasons"
    if custom["protokoll"]:  # decided under a TOP of a held Sitzung of the deciding body
        top, sitzung = entry.tagesordnungspunkt, entry.sitzung
        assert top.sitzung_id == sitzung.pk and top.vorgang_id == entry.vorgang_id
        assert sitzung.gremium == custom["protokoll"], sitzung
        assert sitzung.state == SitzungState.GEHALTEN and sitzung.starts_at <= entry.created_at
    else:
        assert entry.sitzung is None and entry.tagesordnungspunkt is None
    if custom["votes"]:
        votes = (entry.votes_yes, entry.votes_no, entry.votes_abstain)
        assert all(0 <= v <= 10_000 for v in votes), votes
        assert (entry.votes_yes > entry.votes_no) is custom["approves"], votes
    else:
        assert entry.votes_yes is None
    assert entry.checklist == (dict.fromkeys(CHECKLIST, True) if custom["checklist"] else {})


@given(case=st.sampled_from(TRANSITIONS), role=st.one_of(st.just("zuständig"), st.sampled_from(list(ROLES))),
       state=st.one_of(st.none(), st.sampled_from([s.value for s in State])), mutations=MUTATIONS)
@FUZZ_TRANSITIONS
def test_hostile_transition_posts(demo_home, client, case, role, state, mutations):
    """Never a 500; the state moves only on a complete decision by the body at turn (R1, R10, R11)."""
    kind, name, source, actor = case
    if role == "zuständig":  # the body itself, so most examples reach the form validation
        role = next(r for r in sorted(ALLOWED[actor]) if r != "superuser" or actor == "nobody")
    machine = MACHINES[kind]
    custom = machine.transition_meta(name).custom
    touched = mutations.keys() & fields_of(custom)  # hostile values in fields the step asks for
    with rolled_back():
        vorgang = make_vorgang(kind, state or source, name=name)
        page = vorgang.page
        data = form_data(vorgang, name)
        for key, value in mutations.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = (resolve_top(value, custom["protokoll"], vorgang) if key == "top"
                             else value)
        acting = user(ROLES[role])
        if acting is not None:
            client.force_login(acting)
        else:
            client.logout()
        effective = current_vorgang(page).state  # after a final state a new Vorgang starts in 'entwurf'
        before, entries_before = snapshot(page), set(Eintrag.objects.filter(vorgang__page=page)
                                                     .values_list("pk", flat=True))

        response = client.post(f"/admin/freigabe/{page.pk}/{name}/", data)

        assert response.status_code in ANSWERS, response.status_code
        event(f"HTTP {response.status_code}")
        new = list(Eintrag.objects.filter(vorgang__page=page).exclude(pk__in=entries_before))
        after = snapshot(page)
        permitted = role in ALLOWED[SPEC[(kind, name)]]
        possible = effective in sources_of(machine, name)
        if new:
            assert permitted and possible, (role, effective)
            assert response.status_code == 302
            [entry] = new
            event("Schritt erfasst" + (" trotz feindlicher Eingabe" if touched else ""))
            assert (entry.source, entry.target, entry.transition) == (
                effective, machine.transition_meta(name).target, name)
            assert after[entry.vorgang_id] == entry.target
            assert before.pop(entry.vorgang_id, effective) == effective  # or a new Vorgang
            assert {pk: s for pk, s in after.items() if pk != entry.vorgang_id} == before
            assert_complete_record(entry, custom, data)
        else:
            assert after == before, "state changed without a record"
            if permitted:
                assert response.status_code in {400, 409}, response.status_code
                assert not (possible and not touched), "a complete decision was refused"
            else:
                assert response.status_code in {302, 403}, response.status_code
        if response.status_code in {200, 400, 409}:
            assert_no_script_from_input(response.content.decode())


@given(page_id=st.one_of(st.integers(min_value=0, max_value=2**80).map(str),
                         st.sampled_from(["produkt", "protokoll", "home", "gremium"]), hostile),
       name=st.one_of(st.sampled_from(sorted({n for _, n, _, _ in TRANSITIONS})),
                      st.sampled_from(["save", "delete", "entries", "pin_revision", "transitions",
                                       "transition_meta", "__init__", "__class__", "state", "_django_fsm",
                                       "get_state_display", "submitted_object"]),
                      st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True), hostile),
       method=st.sampled_from(["get", "post"]), role=st.sampled_from(["superuser", "plenum", "anonym"]),
       comment=hostile)
@settings(FUZZ_SLOW, max_examples=30)
def test_unknown_pages_and_steps(demo_home, client, page_id, name, method, role, comment):
    """Unknown page ids, pages without an approval chain, unknown step names: 404, nothing taken."""
    pages = {"produkt": subject_page("produkt"), "protokoll": protokoll("plenum"),
             "home": demo_home, "gremium": GremiumPage.objects.get(kind="plenum")}
    page = pages.get(page_id)
    segment = str(page.pk) if page is not None else quote(page_id, safe="")
    if page is None and re.fullmatch(r"[0-9]+", page_id):  # a number may be a real page's id
        page = Page.objects.filter(pk=int(page_id)).first()
    kind = kind_for_page(page) if page is not None else None
    real_step = kind is not None and name in {t.name for t in MACHINES[kind].transitions()}
    acting = user(ROLES[role])
    if acting is not None:
        client.force_login(acting)
    else:
        client.logout()
    entries = Eintrag.objects.count()
    with rolled_back():
        response = getattr(client, method)(f"/admin/freigabe/{segment}/{quote(name, safe='')}/",
                                           {"comment": comment})
        assert response.status_code in ANSWERS, response.status_code
        if not real_step and acting is not None:
            # a logged-in user learns nothing but "not found" (or a NUL refused before any view)
            assert response.status_code in {400, 404}, response.status_code
        if not real_step:
            assert Eintrag.objects.count() == entries


# --- stored script is text, never markup -------------------------------------------------------

RECORD_STEPS = [  # (kind, state, step): a reasons step and a plain step of each chain
    ("produkt", "in_ag_transfer", "ag_ablehnen"),
    ("produkt", "im_plenum", "plenum_beschliessen"),
    ("veranstaltung", "in_ag_transfer", "ag_zustimmen"),
    ("anerkennung", "anerkannt", "aberkennung_vorschlagen"),
]


def record_views(admin_client, vorgang) -> dict[str, str]:
    """Every admin view that shows the record of the Vorgang, by name → HTML."""
    vorgang = Vorgang.objects.get(pk=vorgang.pk)
    machine = type(vorgang)
    step = next(t.name for t in machine.transitions() if vorgang.state in sources_of(machine, t.name))
    urls = {
        "Vorgang (Akte)": f"/admin/vorgaenge/inspect/{vorgang.pk}/",
        "Formular des nächsten Schritts": f"/admin/freigabe/{vorgang.page_id}/{step}/",
        "Seitenhistorie": f"/admin/pages/{vorgang.page_id}/history/",
        "Vorgänge": "/admin/vorgaenge/",
        "Dashboard": "/admin/",
    }
    result = {}
    for label, url in urls.items():
        response = admin_client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        result[label] = response.content.decode()
    return result


def public_views(client, page) -> dict[str, str]:
    """The public pages that could show the decision: the page itself (when live) and its Fachgruppe."""
    page = Page.objects.get(pk=page.pk).specific
    fachgruppe = page if isinstance(page, FachgruppePage) else page.get_parent().specific
    result = {}
    for item in {page, fachgruppe}:
        if item.live:
            response = client.get(item.url)
            assert response.status_code == 200, item.url
            result[item.url] = response.content.decode()
    assert result, "no public page to check"
    return result


@given(case=st.sampled_from(RECORD_STEPS),
       comment=st.tuples(st.sampled_from(MARKUP), hostile, st.sampled_from(MARKUP))
       .map(lambda parts: "\n".join(parts)))
@settings(FUZZ_SLOW, max_examples=12)
def test_stored_comment_is_never_markup(demo_home, client, admin_client, case, comment):
    """A decision's comment with script is stored verbatim and shown as text in every record view."""
    kind, state, name = case
    with rolled_back():
        vorgang = make_vorgang(kind, state, name=name)
        role = next(r for r in sorted(ALLOWED[SPEC[(kind, name)]]) if r != "superuser")
        client.force_login(user(ROLES[role]))
        data = {**form_data(vorgang, name), "comment": comment}
        response = client.post(f"/admin/freigabe/{vorgang.page_id}/{name}/", data)
        if "\x00" in comment:  # Django's form refuses NUL; nothing is stored
            assert response.status_code == 400
            assert not vorgang.eintraege.exists()
            return
        assert response.status_code == 302, response.content.decode()[:3000]
        assert vorgang.eintraege.get().comment == comment.strip()
        for label, html in record_views(admin_client, vorgang).items():
            assert_text_only(html, label)
        for html in public_views(client, vorgang.page).values():
            assert_no_script_from_input(html)


def assert_text_only(html: str, where: str) -> None:
    try:
        assert_no_script_from_input(html)
    except AssertionError as exc:
        raise AssertionError(f"{where}: {exc}") from exc


def escaped(html: str) -> bool:
    return "&lt;script&gt;alert(" in html


def test_whole_chain_with_script_comments_up_to_the_public_page(demo_home, client, admin_client):
    """R11 end to end: every step's comment carries script; after publishing, nothing of it is live."""
    vorgang = make_vorgang("produkt", "entwurf")
    page = vorgang.page
    steps = [("fg-gefaehrdung", "einreichen"), ("agtransfer", "ag_zustimmen"),
             ("plenum", "plenum_beschliessen"), ("redaktion", "veroeffentlichen")]
    for i, (username, name) in enumerate(steps):
        client.force_login(user(username))
        comment = f"{MARKUP[i % len(MARKUP)]}\n{MARKUP[(i + 1) % len(MARKUP)]}"
        response = client.post(f"/admin/freigabe/{page.pk}/{name}/",
                               {**form_data(vorgang, name), "comment": comment})
        assert response.status_code == 302, (name, response.content.decode()[:3000])
        if name == "plenum_beschliessen":  # the form of the last step lists every entry so far
            views = record_views(admin_client, vorgang)
            for label, html in views.items():
                assert_text_only(html, label)
            for label in ("Vorgang (Akte)", "Formular des nächsten Schritts", "Seitenhistorie"):
                assert escaped(views[label]), f"{label}: the comment is missing, not shown as text"
    vorgang = Vorgang.objects.get(pk=vorgang.pk)
    assert vorgang.state == "veroeffentlicht" and vorgang.eintraege.count() == 4
    assert Page.objects.get(pk=page.pk).live
    inspect = admin_client.get(f"/admin/vorgaenge/inspect/{vorgang.pk}/").content.decode()
    history = admin_client.get(f"/admin/pages/{page.pk}/history/").content.decode()
    for html in (inspect, history):
        assert_no_script_from_input(html)
        assert escaped(html)
    client.logout()
    views = public_views(client, page)
    assert Page.objects.get(pk=page.pk).url in views  # the published Produkt page itself is checked
    for url, html in views.items():
        assert_text_only(html, url)


def test_script_in_protokoll_and_page_titles_is_text(demo_home, client, admin_client):
    """Titles typed by others (the deciding TOP, the page) are shown as text in the record."""
    probe, handler = MARKUP[0], MARKUP[1]
    vorgang = make_vorgang("produkt", "im_plenum")
    sitzung = Sitzung.objects.create(gremium="plenum", starts_at=timezone.now(),
                                     state=SitzungState.GEHALTEN, location=f"Saal {probe}")
    top = Tagesordnungspunkt.objects.create(sitzung=sitzung, sort_order=0, vorgang=vorgang,
                                            kind=TopKind.VORGANG, title=f"Plenum {probe}")
    Page.objects.filter(pk=vorgang.page_id).update(title=f"Leitfaden {handler}")
    Vorgang.objects.filter(pk=vorgang.pk).update(page_title=f"Leitfaden {handler}")
    client.force_login(user("plenum"))
    url = f"/admin/freigabe/{vorgang.page_id}/plenum_beschliessen/"
    form = client.get(url).content.decode()
    assert_no_script_from_input(form)
    assert escaped(form) and "&lt;img src=x onerror=" in form  # both titles shown, as text
    data = {**form_data(vorgang, "plenum_beschliessen"), "top": top.pk}
    assert client.post(url, data).status_code == 302
    assert vorgang.eintraege.get().tagesordnungspunkt_id == top.pk
    for label, html in record_views(admin_client, vorgang).items():
        assert_text_only(html, label)
    client.force_login(user("redaktion"))  # the dashboard of the body at turn lists the Vorgang
    dashboard = client.get("/admin/").content.decode()
    assert "&lt;img src=x onerror=" in dashboard
    assert_no_script_from_input(dashboard)


@pytest.mark.parametrize("value", [str(2**63), str(10**40), str(-(2**63) - 1), "9" * 5000])
def test_top_id_beyond_64_bits_is_an_invalid_choice(demo_home, client, value):
    """Found by the fuzzer: such an id was a 500 on SQLite (OverflowError), now the usual German error."""
    vorgang = make_vorgang("produkt", "im_plenum")
    client.force_login(user("plenum"))
    data = {**form_data(vorgang, "plenum_beschliessen"), "top": value}
    response = client.post(f"/admin/freigabe/{vorgang.page_id}/plenum_beschliessen/", data)
    assert response.status_code == 400
    assert ("Bitte einen Tagesordnungspunkt dieser Vorlage in einer Sitzung dieses Gremiums "
            "wählen.") in response.content.decode()
    assert Vorgang.objects.get(pk=vorgang.pk).state == "im_plenum" and not vorgang.eintraege.exists()
