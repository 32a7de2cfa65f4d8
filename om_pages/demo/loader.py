"""Idempotent loader for the demo content: every object is found by a natural key first."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Page, Site

from om_pages.demo import data
from om_pages.models import (
    AgendaItem,
    FachgruppeMember,
    FachgruppenIndexPage,
    FachgruppePage,
    GremiumPage,
    HomePage,
    JahresberichtPage,
    Organisation,
    Person,
    ProduktPage,
    ProtokollDocument,
    ProtokollPage,
    VeranstaltungPage,
)
from om_pages.signals import demo_content_loaded

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "om-demo-2026"  # noqa: S105 - stated in the README, demo only

Log = Callable[[str], None]


def ensure_child(parent: Page, model: type[Page], slug: str, publish: bool = True, **fields) -> Page:
    """Return the child page ``slug`` of ``parent``, creating it once (published unless told not).

    Produkte and Veranstaltungen are created as drafts: only a decision makes them live
    (R10, R11); the workflow's demo takes them through their approval chains.
    """
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, live=publish, **fields)
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return page


def ensure_wagtail_roots() -> None:
    """Recreate what Wagtail's migrations seed (locale, root page, root collection) if a
    database flush removed it, so the loader also works on an emptied database."""
    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def ensure_home() -> HomePage:
    """Put a HomePage at the site root, replacing Wagtail's initial welcome page."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        for welcome in Page.objects.child_of(root).filter(content_type__model="page"):
            welcome.delete()
        home = HomePage(
            title="Fachgruppen der Offensive Mittelstand",
            slug="home",
            intro="<p>Die Fachgruppen der Offensive Mittelstand erarbeiten Wissen und "
                  "Instrumente für kleine und mittlere Unternehmen. Hier veröffentlichen sie "
                  "ihre Protokolle, Produkte und Veranstaltungen.</p>",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                            site_name="Offensive Mittelstand")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


def ensure_organisations() -> dict[str, Organisation]:
    by_name: dict[str, Organisation] = {}
    for name, kind, partner, parent_name in data.ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "is_om_partner": partner,
                      "parent": by_name.get(parent_name) if parent_name else None},
        )
        by_name[name] = organisation
    return by_name


def ensure_people(organisations: dict[str, Organisation]) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for first, last, email, org_name in data.PEOPLE:
        person, _ = Person.objects.get_or_create(
            first_name=first, last_name=last,
            defaults={"email": email, "organisation": organisations[org_name]},
        )
        people[last] = person
    return people


def demo_docx(title: str, paragraphs: list[str]) -> bytes:
    """A small Word document, so the demo has a real attachment for full-text search."""
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def ensure_document(title: str, filename: str, content: bytes):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(filename, ContentFile(content), save=False)
        document.save()
    return document


def add_protokoll(parent: Page, slug: str, title: str, date: datetime.date, kind: str,
                  items: list[tuple[str, str, str]], body: str, attendees: list[str],
                  attachment=None) -> ProtokollPage:
    existing = ProtokollPage.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    protokoll = ProtokollPage(
        slug=slug, title=title, date=date, meeting_kind=kind, body=body,
        attendees="\n".join(attendees), location="Berlin" if kind == "praesenz" else "",
    )
    protokoll.agenda_items = [
        AgendaItem(title=t, discussion=d, decision=b, sort_order=i)
        for i, (t, d, b) in enumerate(items)
    ]
    if attachment is not None:
        protokoll.documents = [ProtokollDocument(document=attachment)]
    parent.add_child(instance=protokoll)
    protokoll.save_revision().publish()
    return protokoll


def ensure_fachgruppe(index: FachgruppenIndexPage, spec: dict, people: dict[str, Person],
                      organisations: dict[str, Organisation], years: list[int]) -> FachgruppePage:
    fachgruppe = FachgruppePage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if fachgruppe is None:
        # A draft: only a recognised group's page is published (R1, R26); the workflow's
        # demo recognises the group and publishes the page (``demo_content_loaded``).
        fachgruppe = FachgruppePage(
            slug=spec["slug"], title=spec["title"], topic_area=spec["topic_area"], live=False,
            summary=spec["summary"], goals=spec["goals"], approach=spec["approach"],
            koordination=people[spec["koordination"]], moderation=people[spec["moderation"]],
        )
        # R7: three founding partners in the first year, the others won in the next.
        fachgruppe.members = [
            FachgruppeMember(organisation=organisations[name], sort_order=i,
                             joined_on=datetime.date(years[0] if i < 3 else years[-1], 3, 1))
            for i, name in enumerate(spec["members"])
        ]
        index.add_child(instance=fachgruppe)
        fachgruppe.save_revision()
    attendees = [str(people[spec["koordination"]]), str(people[spec["moderation"]])]
    meeting = 0
    for year in years:
        for month, day in data.MEETING_DATES:
            theme = spec["themes"][meeting % len(spec["themes"])]
            kind = data.MEETING_KINDS[meeting % len(data.MEETING_KINDS)]
            date = datetime.date(year, month, day)
            attachment = None
            if meeting == 0:
                attachment = ensure_document(
                    f"Anlage zum Protokoll {spec['topic_area']} {date:%d.%m.%Y}",
                    f"anlage-{spec['slug']}-{date:%Y%m%d}.docx",
                    demo_docx(f"Anlage: {theme}", [
                        f"Präsentation der Arbeitsgruppe zum Thema {theme}.",
                        f"Die {spec['title']} stellt Zwischenergebnisse aus den Pilotbetrieben vor.",
                    ]),
                )
            add_protokoll(
                fachgruppe, f"protokoll-{date:%Y-%m-%d}",
                f"Protokoll der Sitzung vom {date:%d.%m.%Y}", date, kind,
                [("Begrüßung und Genehmigung der Tagesordnung", "", "Die Tagesordnung wird genehmigt."),
                 (f"Schwerpunkt: {theme}",
                  f"Die Teilnehmenden berichten über Erfahrungen zum Thema {theme} in ihren "
                  "Mitgliedsbetrieben.",
                  f"Die Fachgruppe erarbeitet bis zur nächsten Sitzung ein Papier zu {theme}."),
                 ("Verschiedenes", "Termin der nächsten Sitzung wird abgestimmt.", "")],
                f"<p>Sitzung der {spec['title']} zum Schwerpunkt {theme}. Die Ergebnisse "
                "werden der AG Transfer berichtet.</p>",
                attendees, attachment,
            )
            meeting += 1
    for title, kind in spec["produkte"]:
        ensure_child(fachgruppe, ProduktPage, _slug(title), publish=False, title=title, kind=kind,
                     summary=f"{title} der {spec['title']}.",
                     body=f"<p>{title}: entwickelt und erprobt mit Partnern der Fachgruppe.</p>")
    for offset, (title, kind) in enumerate(spec["veranstaltungen"], start=1):
        start = (timezone.now() + datetime.timedelta(days=30 * offset)).replace(
            hour=10, minute=0, second=0, microsecond=0)
        ensure_child(fachgruppe, VeranstaltungPage, _slug(title), publish=False, title=title, kind=kind,
                     start=start, end=start + datetime.timedelta(hours=6), location="Köln",
                     summary=f"{title} der {spec['title']}.")
    for relative_year in spec["report_years"]:
        year = years[-1] + relative_year
        ensure_child(fachgruppe, JahresberichtPage, f"jahresbericht-{year}",
                     title=f"Jahresbericht {year}", year=year,
                     body=f"<p>Tätigkeitsbericht der {spec['title']} für {year} an das Plenum.</p>")
    return fachgruppe


def ensure_gremium_protokolle(gremium: GremiumPage, years: list[int]) -> None:
    for year in years:
        date = datetime.date(year, 6, 18)
        add_protokoll(
            gremium, f"protokoll-{date:%Y-%m-%d}",
            f"Protokoll {gremium.title} vom {date:%d.%m.%Y}", date, "hybrid",
            [("Berichte aus den Fachgruppen", "Die Fachgruppen berichten über ihre Arbeit.", ""),
             ("Produkte und Veranstaltungen", "Beratung der eingereichten Vorlagen.",
              "Die Vorlagen werden wie beraten beschlossen.")],
            f"<p>Sitzung des Gremiums {gremium.title}.</p>", ["Geschäftsstelle der OM"],
        )


def _slug(title: str) -> str:
    from django.utils.text import slugify

    replacements = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                                  "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
    return slugify(title.translate(replacements))


def ensure_admin(log: Log) -> None:
    User = get_user_model()
    if not User.objects.filter(username=DEMO_ADMIN_USERNAME).exists():
        User.objects.create_superuser(DEMO_ADMIN_USERNAME, "admin@example.org", DEMO_ADMIN_PASSWORD)
        log(f"Demo-Administrator angelegt: {DEMO_ADMIN_USERNAME} / {DEMO_ADMIN_PASSWORD}")


@transaction.atomic
def load_demo_content(log: Log = lambda message: None, today: datetime.date | None = None) -> HomePage:
    """Create the demo site; running it again changes nothing."""
    today = today or datetime.date.today()
    years = [today.year - 1, today.year]
    ensure_wagtail_roots()
    home = ensure_home()
    log("Organisationen und Personen …")
    organisations = ensure_organisations()
    people = ensure_people(organisations)
    log("Gremien …")
    for slug, title, kind, intro in data.GREMIEN:
        gremium = ensure_child(home, GremiumPage, slug, title=title, kind=kind, intro=intro)
        ensure_gremium_protokolle(gremium, years)
    index = ensure_child(
        home, FachgruppenIndexPage, "fachgruppen", title="Fachgruppen",
        intro="<p>Alle anerkannten Fachgruppen der Offensive Mittelstand.</p>",
    )
    for spec in data.FACHGRUPPEN:
        log(f"{spec['title']} …")
        ensure_fachgruppe(index, spec, people, organisations, years)
    ensure_admin(log)
    demo_content_loaded.send(sender=HomePage, home=home, log=log, today=today)
    return home
