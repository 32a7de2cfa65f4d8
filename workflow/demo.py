"""Demo Vorgänge in every state, the body members and the Fachgruppen's editors (README).

Connected to ``om_pages.signals.demo_content_loaded``. Idempotent: users and groups are
found by name; a page that already has a Vorgang is left alone. Every step goes through
``perform_transition`` with the demo user of the acting body, so the demo record is real.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission

from om_pages.models import (
    FachgruppeMember,
    FachgruppenIndexPage,
    FachgruppePage,
    Organisation,
    Person,
    ProduktKind,
    ProduktPage,
    VeranstaltungKind,
    VeranstaltungPage,
)
from workflow.agenda import propose_agenda, vorgang_title
from workflow.minutes import draft_minutes
from workflow.models import (
    CHECKLIST,
    FachgruppeZugang,
    Sitzung,
    SitzungState,
    Tagesordnungspunkt,
    TopKind,
    Vorgang,
)
from workflow.permissions import (
    APPLICANTS_GROUP_NAME,
    BODY_GROUP_NAMES,
    SCHRIFTFUEHRUNG_GROUP_NAMES,
    Gremium,
)
from workflow.services import current_vorgang, perform_transition
from workflow.steps import step_of

DEMO_PASSWORD = "om-demo-2026"  # noqa: S105 - stated in the README, demo only

#: username → (first name, last name, body)
BODY_USERS = {
    "leitungskreis": ("Lena", "Leitung", Gremium.LEITUNGSKREIS),
    "agtransfer": ("Arne", "Transfer", Gremium.AG_TRANSFER),
    "plenum": ("Paula", "Plenum", Gremium.PLENUM),
    "redaktion": ("Rita", "Redaktion", Gremium.REDAKTION),
}
#: Who attends the demo Sitzungen of each body (one person per line in the Sitzung).
DEMO_ATTENDEES = {
    Gremium.LEITUNGSKREIS: ["Lena Leitung (Vorsitz)", "Dr. Karl Berger", "Sabine Roth"],
    Gremium.AG_TRANSFER: ["Arne Transfer (Schriftführung)", "Dr. Karl Berger", "Miriam Yilmaz",
                          "Jonas Keller"],
    Gremium.PLENUM: ["Paula Plenum (Schriftführung)", "Vertretungen von 27 Partnerorganisationen"],
}
#: Fachgruppe slug → editor username (linked to the group's Koordination, R5)
GROUP_EDITORS = {
    "gefaehrdungsbeurteilung": "fg-gefaehrdung",
    "digitalisierung": "fg-digitalisierung",
    "fachkraeftesicherung": "fg-fachkraefte",
    "nachhaltigkeit": "fg-nachhaltigkeit",
}
ALL_CONFIRMED = dict.fromkeys(CHECKLIST, True)

#: Applicant groups (drafts) for the other Anerkennung states: slug, title, topic, final state
APPLICANTS = [
    ("nachhaltigkeit", "Fachgruppe Nachhaltigkeit im Mittelstand", "Nachhaltigkeit", "entwurf"),
    ("unternehmensnachfolge", "Fachgruppe Unternehmensnachfolge", "Unternehmensnachfolge",
     "beim_leitungskreis"),
    ("gesundheitsmanagement", "Fachgruppe Betriebliches Gesundheitsmanagement",
     "Gesundheitsmanagement", "in_ag_transfer"),
    ("arbeitszeit", "Fachgruppe Arbeitszeitgestaltung", "Arbeitszeitgestaltung", "im_plenum"),
    ("vertrieb", "Fachgruppe Vertriebsnetzwerke", "Vertriebsnetzwerke", "abgelehnt"),
    ("innovation", "Fachgruppe Innovationsmanagement", "Innovationsmanagement",
     "aberkennung_vorgeschlagen"),
    ("energie", "Fachgruppe Energieeffizienz", "Energieeffizienz", "aberkannt"),
    ("qualitaet", "Fachgruppe Qualitätsmanagement", "Qualitätsmanagement", "aufgeloest"),
]
APPLICANT_MEMBERS = ["IHK Rhein-Neckar", "RKW Kompetenzzentrum", "Zentralverband des Deutschen Handwerks",
                     "DGB-Bildungswerk"]

#: Produkt/Veranstaltung title → path of steps (the last step gives the demo state)
PRODUKT_PATHS = {
    "Checkliste psychische Belastung": ["einreichen", "ag_zustimmen", "plenum_beschliessen",
                                        "veroeffentlichen"],
    "Leitfaden Gefährdungsbeurteilung im Handwerk": ["einreichen", "ag_zustimmen"],
    "Praxisstandard Digitalisierung": ["einreichen", "ag_zustimmen", "plenum_beschliessen",
                                       "veroeffentlichen"],
    "Checkliste IT-Sicherheit für Kleinbetriebe": ["einreichen"],
    "Instrument Personalplanung": ["einreichen", "ag_zustimmen", "plenum_beschliessen"],
    "Leitfaden Ausbildungsmarketing": ["einreichen", "ag_ablehnen"],
    "Konzept Mentoring für Quereinsteiger": ["einreichen", "zurueckziehen"],
}
VERANSTALTUNG_PATHS = {
    "Praxisseminar Gefährdungsbeurteilung": ["einreichen", "ag_an_plenum_verweisen",
                                             "plenum_zustimmen", "veroeffentlichen"],
    "Erprobungsworkshop Checkliste": ["ohne_zustimmung_freigeben", "veroeffentlichen"],
    "Fachtag Digitale Arbeitswelt": ["einreichen"],
    "Regionalkonferenz Fachkräfte": ["einreichen", "ag_zustimmen"],
    "Webinar Künstliche Intelligenz im Betrieb": ["einreichen", "ag_an_plenum_verweisen"],
    "Infoabend Ausbildung": [],
    "Messestand Fachkräfte": ["einreichen", "zurueckziehen"],
}
#: extra drafts created here: (Fachgruppe slug, model, title, kind)
EXTRA_PAGES = [
    ("fachkraeftesicherung", ProduktPage, "Leitfaden Ausbildungsmarketing", ProduktKind.LEITFADEN),
    ("fachkraeftesicherung", ProduktPage, "Konzept Mentoring für Quereinsteiger", ProduktKind.KONZEPT),
    ("digitalisierung", VeranstaltungPage, "Webinar Künstliche Intelligenz im Betrieb",
     VeranstaltungKind.SEMINAR),
    ("fachkraeftesicherung", VeranstaltungPage, "Infoabend Ausbildung", VeranstaltungKind.ANGEBOT),
    ("fachkraeftesicherung", VeranstaltungPage, "Messestand Fachkräfte", VeranstaltungKind.ANGEBOT),
]


def ensure_user(username: str, first: str, last: str, groups: list[Group]):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, f"{username}@example.org", DEMO_PASSWORD,
                                        first_name=first, last_name=last)
    user.groups.add(*groups)
    return user


def ensure_body_users(home) -> dict[str, object]:
    users = {}
    for username, (first, last, body) in BODY_USERS.items():
        group, _ = Group.objects.get_or_create(name=BODY_GROUP_NAMES[body])
        group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                     codename="access_admin"))
        groups = [group]
        if body in SCHRIFTFUEHRUNG_GROUP_NAMES:  # the demo member also keeps the body's minutes
            groups.append(Group.objects.get_or_create(name=SCHRIFTFUEHRUNG_GROUP_NAMES[body])[0])
        users[body] = ensure_user(username, first, last, groups)
    # The Redaktion edits and publishes the homepage's other pages (not Produkte/Veranstaltungen:
    # those only through the decided revision, workflow.publishing).
    redaktion = Group.objects.get(name=BODY_GROUP_NAMES[Gremium.REDAKTION])
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=redaktion, page=home,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename))
    return users


def decision_for(vorgang, name: str) -> dict:
    """Complete demo decision data for a step (votes, checklist, reasons; the TOP comes from
    the round's Sitzung)."""
    step = step_of(type(vorgang).transition_meta(name))
    data: dict = {"comment": ""}
    if step.votes:
        data["votes"] = (24, 2, 3) if step.approves else (4, 19, 2)
    if step.checklist:
        data["checklist"] = ALL_CONFIRMED
    if step.reasons:
        data["comment"] = {
            "ag_ablehnen": "Der Leitfaden wirbt für ein kommerzielles Seminarangebot (R8); bitte "
                           "die Hinweise auf Anbieter streichen.",
            "zurueckziehen": "Die Fachgruppe verfolgt das Vorhaben nicht weiter.",
            "plenum_ablehnen": "Das Thema ist zu eng gefasst und überschneidet sich mit Angeboten "
                               "der Partner (R9, R17).",
            "aberkennung_vorschlagen": "Die Fachgruppe wirbt wiederholt für Produkte eines "
                                       "Mitglieds (R8).",
            "plenum_aberkennen": "Verstöße gegen R8 trotz Ermahnung durch den Leitungskreis.",
        }.get(name, "Begründung siehe Protokoll.")
    return data


@dataclass
class DemoPath:
    """A Vorgang and the steps still to take on it; ``group_user`` acts for the Fachgruppe."""

    vorgang: Vorgang
    steps: list[str]
    group_user: object


def hold_sitzung(body: str, actors: dict[str, object]) -> Sitzung:
    """A Sitzung of ``body`` held now, its agenda proposed from what awaits the body."""
    sitzung = Sitzung.objects.create(
        gremium=body, starts_at=timezone.now(), state=SitzungState.GEHALTEN,
        location="Geschäftsstelle der Offensive Mittelstand, Heidelberg",
        attendees="\n".join(DEMO_ATTENDEES[body]))
    propose_agenda(sitzung)
    return sitzung


def add_top(sitzung: Sitzung, vorgang: Vorgang) -> Tagesordnungspunkt:
    """A TOP the Schriftführung adds by hand (a dissolution awaits no body, R21)."""
    return Tagesordnungspunkt.objects.create(
        sitzung=sitzung, sort_order=sitzung.tops.count(), kind=TopKind.VORGANG, vorgang=vorgang,
        title=vorgang_title(vorgang))


def run_paths(paths: list[DemoPath], actors: dict[str, object]) -> None:
    """Take every path's steps in rounds, as the bodies would: each path goes as far as it can
    without a body's decision; then each body that has decisions to take holds a Sitzung whose
    proposed agenda lists the waiting Vorgänge, and decides them under their TOPs."""
    pending = [path for path in paths if path.steps]
    while pending:
        waiting: dict[str, list[DemoPath]] = {}
        for path in pending:
            while path.steps:
                name = path.steps[0]
                step = step_of(type(path.vorgang).transition_meta(name))
                if step.protokoll:
                    waiting.setdefault(step.protokoll, []).append(path)
                    break
                user = path.group_user if step.actor == Gremium.FACHGRUPPE else actors[step.actor]
                perform_transition(path.vorgang, name, user, notify=False,
                                   **decision_for(path.vorgang, name))
                path.steps.pop(0)
        for body, deciding in waiting.items():
            sitzung = hold_sitzung(body, actors)
            tops = {top.vorgang_id: top for top in sitzung.tops.exclude(vorgang=None)}
            for path in deciding:
                name = path.steps.pop(0)
                top = tops.get(path.vorgang.pk) or add_top(sitzung, path.vorgang)
                perform_transition(path.vorgang, name, actors[body], notify=False, top=top,
                                   **decision_for(path.vorgang, name))
        pending = [path for path in pending if path.steps]


#: „ (R6, R8, R9, R15, R23 bestätigt)“, „ (R1)“: the draft cites the criteria by our numbers
#: (docs/rules.md); the Schriftführung completes the public minutes in words.
RULE_REFERENCE = re.compile(r" ?\(R\d+[^)]*\)")


def publish_demo_minutes(actors: dict[str, object]) -> None:
    """The Schriftführung drafts the minutes of every held demo Sitzung of a body and publishes
    them (which closes the Sitzung), except for each body's latest: its minutes stay a draft,
    still being completed, and the Sitzung stays held."""
    held = list(Sitzung.objects.filter(state=SitzungState.GEHALTEN, protokoll=None).exclude(
        gremium=Gremium.FACHGRUPPE).order_by("starts_at", "pk"))
    latest = {sitzung.gremium: sitzung for sitzung in held}
    for sitzung in held:
        writer = actors[sitzung.gremium]
        protokoll = draft_minutes(sitzung, writer)
        protokoll.body = "<p>Die Sitzung wurde ordnungsgemäß einberufen; das Gremium war beschlussfähig.</p>"
        items = list(protokoll.agenda_items.all())
        for item in items:  # completed for the public: criteria in words, not our numbers
            item.decision = RULE_REFERENCE.sub("", item.decision)
        protokoll.agenda_items = items
        revision = protokoll.save_revision(user=writer)
        if latest[sitzung.gremium] != sitzung:
            revision.publish(user=writer)


def ensure_upcoming_sitzungen(actors: dict[str, object]) -> None:
    """One planned Sitzung per body in three weeks, its agenda proposed from what still waits."""
    start = (timezone.localtime() + datetime.timedelta(days=21)).replace(
        hour=10, minute=0, second=0, microsecond=0)
    for body in DEMO_ATTENDEES:
        if Sitzung.objects.of_body(body).upcoming().exists():
            continue
        sitzung = Sitzung.objects.create(
            gremium=body, starts_at=start, ends_at=start + datetime.timedelta(hours=3),
            meeting_kind="video", online_url="https://konferenz.example.org/om",
            public_agenda_titles=body == Gremium.PLENUM)
        propose_agenda(sitzung)


def ensure_editor(fachgruppe: FachgruppePage, username: str):
    """The group's demo editor: its Koordination's CMS account (R5, R19)."""
    user = ensure_user(username, fachgruppe.koordination.first_name,
                       fachgruppe.koordination.last_name, [])
    if fachgruppe.koordination.user_id is None:
        Person.objects.filter(pk=fachgruppe.koordination_id).update(user=user)
    return user


def join_group(user, fachgruppe) -> None:
    zugang = FachgruppeZugang.objects.filter(fachgruppe=fachgruppe).first()
    if zugang is not None and zugang.group is not None:
        user.groups.add(zugang.group)


def ensure_applicants(index: FachgruppenIndexPage, actors: dict,
                      today: datetime.date | None = None) -> list[DemoPath]:
    organisations = [Organisation.objects.get(name=name) for name in APPLICANT_MEMBERS]
    lange, _ = Person.objects.get_or_create(
        first_name="Petra", last_name="Lange",
        defaults={"email": "p.lange@example.org", "organisation": organisations[0]})
    vogel, _ = Person.objects.get_or_create(
        first_name="Stefan", last_name="Vogel",
        defaults={"email": "s.vogel@example.org", "organisation": organisations[1]})
    albrecht, _ = Person.objects.get_or_create(
        first_name="Nina", last_name="Albrecht",
        defaults={"email": "n.albrecht@example.org", "organisation": organisations[2]})
    paths = {
        "entwurf": [], "beim_leitungskreis": ["beantragen"],
        "in_ag_transfer": ["beantragen", "lk_weiterleiten"],
        "im_plenum": ["beantragen", "lk_weiterleiten", "ag_vorschlagen"],
        "abgelehnt": ["beantragen", "lk_weiterleiten", "ag_vorschlagen", "plenum_ablehnen"],
        "anerkannt": ["beantragen", "lk_weiterleiten", "ag_vorschlagen", "plenum_anerkennen"],
    }
    paths["aberkennung_vorgeschlagen"] = paths["anerkannt"] + ["aberkennung_vorschlagen"]
    paths["aberkannt"] = paths["aberkennung_vorgeschlagen"] + ["plenum_aberkennen"]
    paths["aufgeloest"] = paths["anerkannt"] + ["aufloesung_bekanntgeben"]
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    demo_paths = []
    for slug, title, topic, state in APPLICANTS:
        if FachgruppePage.objects.child_of(index).filter(slug=slug).exists():
            continue
        own_contact = slug == "nachhaltigkeit"
        page = FachgruppePage(
            slug=slug, title=title, topic_area=topic, live=False,
            summary=f"Antrag auf Anerkennung als Fachgruppe zum Thema {topic}.",
            goals=f"<p>Wissen und Instrumente zum Thema {topic} für KMU bündeln.</p>",
            approach="<p>Zwei Sitzungen im Jahr, Abstimmung in der AG Transfer.</p>",
            koordination=albrecht if own_contact else lange, moderation=vogel,
        )
        # R7: the founding partners joined when the group applied.
        page.members = [FachgruppeMember(organisation=o, sort_order=i,
                                         joined_on=today or datetime.date.today())
                        for i, o in enumerate(organisations)]
        index.add_child(instance=page)
        page.save_revision()
        editor = ensure_editor(page, GROUP_EDITORS[slug]) if own_contact else admin
        if own_contact:
            editor.groups.add(applicants_group())
        vorgang = current_vorgang(page)
        vorgang.save()
        demo_paths.append(DemoPath(vorgang, list(paths[state]), editor))
    return demo_paths


#: A partner's person with a login and no group yet: founds one („Fachgruppe gründen“, R1).
FOUNDER = ("fg-gruendung", "Greta", "Neumann", "g.neumann@example.org", "DGB-Bildungswerk")


def applicants_group() -> Group:
    """„Antragstellende“ with its admin login, as migration 0002 creates it (a flushed test
    database loads the demo without the migrations' data)."""
    group, _ = Group.objects.get_or_create(name=APPLICANTS_GROUP_NAME)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                 codename="access_admin"))
    return group


def ensure_founder() -> None:
    """The demo account that may found a Fachgruppe (admin login through „Antragstellende“)."""
    username, first, last, email, organisation = FOUNDER
    person, _ = Person.objects.get_or_create(
        first_name=first, last_name=last,
        defaults={"email": email, "organisation": Organisation.objects.filter(name=organisation).first()})
    if person.user_id is None:
        user = ensure_user(username, first, last,
                           [applicants_group()])
        if not Person.objects.filter(user=user).exists():
            Person.objects.filter(pk=person.pk).update(user=user)


def recognition_paths(fachgruppen, actors: dict) -> list[DemoPath]:
    """The full recognition (R1) of each demo group that has no Vorgang yet."""
    paths = []
    for fachgruppe in fachgruppen:
        editor = ensure_editor(fachgruppe, GROUP_EDITORS[fachgruppe.slug])
        if not Vorgang.objects.filter(page=fachgruppe).exists():
            paths.append(DemoPath(current_vorgang(fachgruppe), ["beantragen", "lk_weiterleiten",
                                                               "ag_vorschlagen", "plenum_anerkennen"],
                                  editor))
    return paths


def publish_recognised(fachgruppen) -> None:
    """R1, R26: the demo groups go public once the Plenum recognised them, not before."""
    for fachgruppe in fachgruppen:
        if not fachgruppe.live:
            fachgruppe.get_latest_revision().publish()
            fachgruppe.refresh_from_db()


def ensure_extra_pages() -> None:
    from django.utils.text import slugify

    for offset, (group_slug, model, title, kind) in enumerate(EXTRA_PAGES, start=1):
        fachgruppe = FachgruppePage.objects.get(slug=group_slug)
        slug = slugify(title.replace("ä", "ae").replace("ü", "ue").replace("ö", "oe"))
        if model.objects.child_of(fachgruppe).filter(slug=slug).exists():
            continue
        fields = {"title": title, "kind": kind, "summary": f"{title} der {fachgruppe.title}.",
                  "live": False}
        if model is VeranstaltungPage:
            start = (timezone.now() + datetime.timedelta(days=45 * offset)).replace(
                hour=14, minute=0, second=0, microsecond=0)
            fields.update(start=start, end=start + datetime.timedelta(hours=2), location="online")
        page = model(slug=slug, **fields)
        fachgruppe.add_child(instance=page)
        page.save_revision()


def load_demo_workflow(sender=None, home=None, log=lambda message: None, today=None, **kwargs) -> None:
    """Receiver of ``demo_content_loaded``: Vorgänge in every state."""
    log("Freigabeverfahren …")
    actors = ensure_body_users(home)
    index = FachgruppenIndexPage.objects.child_of(home).first()
    applicants = [slug for slug, *_ in APPLICANTS]
    recognised = list(FachgruppePage.objects.child_of(index).filter(slug__in=GROUP_EDITORS)
                      .exclude(slug__in=applicants))
    run_paths(recognition_paths(recognised, actors), actors)
    publish_recognised(recognised)
    editors = {}
    for fachgruppe in recognised:
        editors[fachgruppe.pk] = ensure_editor(fachgruppe, GROUP_EDITORS[fachgruppe.slug])
        join_group(editors[fachgruppe.pk], fachgruppe)
    demo_paths = ensure_applicants(index, actors, today)
    ensure_founder()
    ensure_extra_pages()
    for model, paths in ((ProduktPage, PRODUKT_PATHS), (VeranstaltungPage, VERANSTALTUNG_PATHS)):
        for title, path in paths.items():
            page = model.objects.filter(title=title).first()
            if page is None or Vorgang.objects.filter(page=page).exists():
                continue
            vorgang = current_vorgang(page)
            vorgang.save()
            demo_paths.append(DemoPath(vorgang, list(path), editors[page.get_parent().pk]))
    run_paths(demo_paths, actors)
    if not Sitzung.objects.of_body(Gremium.LEITUNGSKREIS).exists():
        hold_sitzung(Gremium.LEITUNGSKREIS, actors)
    publish_demo_minutes(actors)
    ensure_upcoming_sitzungen(actors)
    # A later edit of a published Produkt: the live page stays as decided (revision pinning).
    produkt = ProduktPage.objects.filter(title="Checkliste psychische Belastung").first()
    if produkt is not None and produkt.live and not produkt.has_unpublished_changes:
        draft = produkt.get_latest_revision_as_object()
        draft.summary = "Überarbeitete Fassung (Entwurf, noch nicht beschlossen)."
        draft.save_revision(user=editors.get(produkt.get_parent().pk))
    log(f"Demo-Zugänge: {', '.join(BODY_USERS)}, {', '.join(GROUP_EDITORS.values())}, {FOUNDER[0]} "
        f"(Passwort {DEMO_PASSWORD})")



