"""The page tree of DESIGN.md: Home → Fachgruppen → records; Gremien with their Protokolle.

Hook points for other apps (``om_pages.extension``), so om_pages imports none of them:
``base_form_class`` of FachgruppePage, ProduktPage and VeranstaltungPage may be replaced with
``register_base_form`` (the workflow checks R2, R17, R21 on every edit of a Fachgruppe and
refuses a go-live time on a Produkt or Veranstaltung, R10, R11), any page type's
``permissions_for_user`` answers with a tester registered by ``register_permission_tester``
(the workflow lets only the decided revision of a Produkt or Veranstaltung be published,
R10, R11), and ``register_group_status`` tells the Fachgruppen list (R26) and a group's page
whether the group is recognised, withdrawn (R22), dissolved (R21) or was never recognised.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from om_pages.attachments import ATTACHMENT_SEARCH_FIELDS, AttachmentSearchMixin
from om_pages.extension import GroupStatus, RegisteredBaseForm, group_status, group_statuses
from om_pages.forms import OMPageForm
from om_pages.inline_panels import MembersInlinePanel


class HomePage(Page):
    """The OM homepage: latest Protokolle and Produkte, links to the Fachgruppen list (R26)."""

    base_form_class = OMPageForm  # only choosable files (R19)

    intro = RichTextField("Einleitung", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["om_pages.FachgruppenIndexPage", "om_pages.GremiumPage"]
    max_count = 1

    class Meta:
        verbose_name = "Startseite"

    def latest_protokolle(self, limit: int = 5) -> list[ProtokollPage]:
        """Newest minutes of Fachgruppen and Gremien, each with its ``parent_page`` (R19)."""
        from om_pages.public import attach_parents, visible

        return attach_parents(visible(ProtokollPage, self).order_by("-date", "-pk")[:limit])

    def latest_produkte(self, limit: int = 5) -> list[ProduktPage]:
        """Decided Produkte: only a decided Produkt is published (R11), so live means decided."""
        from om_pages.public import attach_parents, visible

        return attach_parents(visible(ProduktPage, self).order_by("-first_published_at", "-pk")[:limit])

    def upcoming_veranstaltungen(self, limit: int = 5) -> list[VeranstaltungPage]:
        from om_pages.public import attach_parents, visible

        upcoming = visible(VeranstaltungPage, self).filter(start__gte=timezone.now()).order_by("start")
        return attach_parents(upcoming[:limit])

    def fachgruppen_index(self):
        return FachgruppenIndexPage.objects.live().public().child_of(self).first()

    def gremien(self):
        return GremiumPage.objects.live().public().child_of(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["protokolle"] = self.latest_protokolle()
        context["produkte"] = self.latest_produkte()
        context["veranstaltungen"] = self.upcoming_veranstaltungen()
        context["fachgruppen_index"] = self.fachgruppen_index()
        context["gremien"] = self.gremien()
        return context


class FachgruppenIndexPage(Page):
    """The public list of all Fachgruppen of the OM (R26)."""

    base_form_class = OMPageForm  # only choosable files (R19)

    intro = RichTextField("Einleitung", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["om_pages.HomePage"]
    subpage_types = ["om_pages.FachgruppePage"]
    max_count = 1

    class Meta:
        verbose_name = "Fachgruppen-Übersicht"

    def public_groups(self) -> list[FachgruppePage]:
        """Every live, public group, each with its ``group_status`` (one lookup for all)."""
        groups = list(
            FachgruppePage.objects.live().public().child_of(self)
            .select_related("koordination", "moderation").order_by("title")
        )
        statuses = group_statuses(groups)
        for group in groups:
            group.__dict__["group_status"] = statuses[group.pk]
        return groups

    def fachgruppen(self) -> list[FachgruppePage]:
        """R26: the recognised Fachgruppen only; withdrawn groups (R22) are no longer listed."""
        return [g for g in self.public_groups() if g.group_status.is_recognised]

    def ehemalige(self) -> list[FachgruppePage]:
        """R21: dissolved groups stay public as an archive, listed apart ("Ehemalige Fachgruppen")."""
        return [g for g in self.public_groups() if g.group_status.is_dissolved]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        groups = self.public_groups()
        context["fachgruppen"] = [g for g in groups if g.group_status.is_recognised]
        context["ehemalige"] = [g for g in groups if g.group_status.is_dissolved]
        return context


class FachgruppePage(Page):
    """A Fachgruppe and its concept (R1): topic area, goals, approach, partners, contacts."""

    # Only choosable files (R19); an app may extend the form (om_pages.extension).
    base_form_class = RegisteredBaseForm(OMPageForm)

    topic_area = models.CharField(
        "Themenbereich", max_length=255,
        help_text="Das Thema muss im Namen der Fachgruppe erkennbar sein (R2).",
    )
    summary = models.TextField("Kurzbeschreibung", blank=True)
    goals = RichTextField("Ziele", blank=True)
    approach = RichTextField("Vorgehensweise", blank=True)
    open_to_all_partners = models.BooleanField(
        "Offen für alle Partner", default=True, help_text="R3: offen für alle Partner der OM."
    )
    mandatory_fee = models.BooleanField(
        "Verpflichtender Mitgliedsbeitrag", default=False,
        help_text="R3: Fachgruppen erheben keine verpflichtenden Beiträge.",
    )
    koordination = models.ForeignKey(
        "om_pages.Person", verbose_name="Koordination", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    moderation = models.ForeignKey(
        "om_pages.Person", verbose_name="Moderation", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("topic_area"),
        FieldPanel("summary"),
        FieldPanel("goals"),
        FieldPanel("approach"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("open_to_all_partners"), FieldPanel("mandatory_fee")])],
            heading="Offenheit (R3)",
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("koordination"), FieldPanel("moderation")])],
            heading="Ansprechpersonen (R5)",
        ),
        MembersInlinePanel("members", heading="Beteiligte Organisationen (R4)", label="Organisation"),
        InlinePanel("kooperationen", heading="Kooperationen (R16)", label="Kooperation"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("topic_area", boost=2),
        index.SearchField("summary"),
        index.SearchField("goals"),
        index.SearchField("approach"),
        index.FilterField("topic_area"),
    ]

    parent_page_types = ["om_pages.FachgruppenIndexPage"]
    subpage_types = [
        "om_pages.ProtokollPage",
        "om_pages.ProduktPage",
        "om_pages.VeranstaltungPage",
        "om_pages.JahresberichtPage",
    ]

    class Meta:
        verbose_name = "Fachgruppe"
        verbose_name_plural = "Fachgruppen"

    @cached_property
    def group_status(self) -> GroupStatus:
        """Recognised, withdrawn (R22), dissolved (R21) or never recognised (R1), with the date."""
        return group_status(self)

    def member_organisations(self):
        from om_pages.models.snippets import Organisation

        return (
            Organisation.objects.filter(fachgruppe_memberships__page=self)
            .select_related("parent").order_by("name")
        )

    def contacts(self) -> list[tuple[str, object]]:
        """Koordination and Moderation with their organisations, in one query (R5)."""
        from om_pages.models.snippets import Person

        ids = {"Koordination": self.koordination_id, "Moderation": self.moderation_id}
        people = Person.objects.select_related("organisation").in_bulk(
            [pk for pk in ids.values() if pk])
        return [(role, people[pk]) for role, pk in ids.items() if pk in people]

    def protokolle(self):
        return ProtokollPage.objects.live().public().child_of(self).order_by("-date", "-pk")

    def protokolle_by_year(self) -> list[tuple[int, list[ProtokollPage]]]:
        """Protokolle grouped by calendar year, newest first (R19, R24)."""
        years: dict[int, list[ProtokollPage]] = {}
        for protokoll in self.protokolle():
            years.setdefault(protokoll.date.year, []).append(protokoll)
        return sorted(years.items(), reverse=True)

    def produkte(self):
        return ProduktPage.objects.live().public().child_of(self).order_by("title")

    def upcoming_veranstaltungen(self):
        return (
            VeranstaltungPage.objects.live().public().child_of(self)
            .filter(start__gte=timezone.now()).order_by("start")
        )

    def jahresberichte(self):
        return JahresberichtPage.objects.live().public().child_of(self).order_by("-year")

    def cooperations(self) -> list[tuple[Kooperation, FachgruppePage | None]]:
        """R16: each cooperation with its partner page where that page is publicly visible
        (live, no view restriction); a draft or restricted partner is named, never linked."""
        kooperationen = list(self.kooperationen.select_related("partner_fachgruppe"))
        partner_ids = {k.partner_fachgruppe_id for k in kooperationen} - {None}
        visible = set(FachgruppePage.objects.live().public().filter(pk__in=partner_ids)
                      .values_list("pk", flat=True)) if partner_ids else set()
        return [(k, k.partner_fachgruppe if k.partner_fachgruppe_id in visible else None)
                for k in kooperationen]

    def load_contacts(self) -> None:
        """Koordination and Moderation with their organisations in one query."""
        from om_pages.models.snippets import Person

        people = Person.objects.select_related("organisation").in_bulk(
            [pk for pk in (self.koordination_id, self.moderation_id) if pk]
        )
        if self.koordination_id in people:
            self.koordination = people[self.koordination_id]
        if self.moderation_id in people:
            self.moderation = people[self.moderation_id]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        self.load_contacts()
        context.update(
            members=self.member_organisations(),
            contacts=self.contacts(),
            protokolle_by_year=self.protokolle_by_year(),
            produkte=self.produkte(),
            veranstaltungen=self.upcoming_veranstaltungen(),
            jahresberichte=self.jahresberichte(),
            kooperationen=self.cooperations(),
        )
        return context


class FachgruppeMember(Orderable):
    """A participating organisation of a Fachgruppe (R4, R13)."""

    page = ParentalKey(FachgruppePage, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "om_pages.Organisation", verbose_name="Organisation",
        on_delete=models.PROTECT, related_name="fachgruppe_memberships",
    )
    joined_on = models.DateField(
        "Beitritt", null=True, blank=True,
        help_text="Seit wann die Organisation in der Fachgruppe mitarbeitet (R7: neue Partner je Jahr).",
    )

    panels = [FieldRowPanel([FieldPanel("organisation"), FieldPanel("joined_on")])]

    class Meta(Orderable.Meta):
        verbose_name = "Beteiligte Organisation"
        verbose_name_plural = "Beteiligte Organisationen"
        constraints = [
            models.UniqueConstraint(fields=["page", "organisation"], name="unique_fachgruppe_member")
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Kooperation(Orderable):
    """R16: a cooperation of the group with another Fachgruppe or a regional network.

    The partner is either a Fachgruppe (page) or, for a regional network outside the site,
    a free name; the public page links a partner Fachgruppe only while it is publicly visible.
    """

    page = ParentalKey(FachgruppePage, on_delete=models.CASCADE, related_name="kooperationen")
    partner_fachgruppe = models.ForeignKey(
        FachgruppePage, verbose_name="Partner-Fachgruppe", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    partner_name = models.CharField(
        "Regionales Netzwerk / andere Partner", max_length=255, blank=True,
        help_text="Name des regionalen Netzwerks, wenn der Partner keine Fachgruppe ist.",
    )
    description = models.TextField("Worum es geht", blank=True)
    since = models.DateField("Seit", null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("partner_fachgruppe"), FieldPanel("partner_name")]),
        FieldPanel("description"),
        FieldPanel("since"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "Kooperation"
        verbose_name_plural = "Kooperationen"

    def clean(self) -> None:
        if not self.partner_fachgruppe_id and not self.partner_name.strip():
            raise ValidationError("Bitte eine Partner-Fachgruppe wählen oder den Namen des "
                                  "regionalen Netzwerks angeben.")
        if self.partner_fachgruppe_id and self.partner_fachgruppe_id == self.page_id:
            raise ValidationError({"partner_fachgruppe": "Eine Fachgruppe kooperiert nicht mit "
                                                         "sich selbst."})

    @property
    def partner_label(self) -> str:
        if self.partner_fachgruppe_id:
            return self.partner_fachgruppe.title
        return self.partner_name

    def __str__(self) -> str:
        return self.partner_label


class GremiumKind(models.TextChoices):
    LEITUNGSKREIS = "leitungskreis", "Leitungskreis"
    AG_TRANSFER = "ag_transfer", "AG Transfer"
    PLENUM = "plenum", "Plenum"


class GremiumPage(Page):
    """One of the OM's bodies that decide on applications, products and events."""

    base_form_class = OMPageForm  # only choosable files (R19)

    kind = models.CharField("Gremium", max_length=32, choices=GremiumKind.choices, unique=True)
    intro = RichTextField("Beschreibung", blank=True)

    content_panels = Page.content_panels + [FieldPanel("kind"), FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["om_pages.HomePage"]
    subpage_types = ["om_pages.ProtokollPage"]

    class Meta:
        verbose_name = "Gremium"
        verbose_name_plural = "Gremien"

    def protokolle(self):
        return ProtokollPage.objects.live().public().child_of(self).order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["protokolle"] = self.protokolle()
        return context


class MeetingKind(models.TextChoices):
    PRAESENZ = "praesenz", "Präsenzsitzung"
    VIDEO = "video", "Videokonferenz"
    TELEFON = "telefon", "Telefonkonferenz"
    HYBRID = "hybrid", "Hybride Sitzung"


class ProtokollPage(AttachmentSearchMixin, Page):
    """Minutes of a meeting of a Fachgruppe or a Gremium (R19, R24)."""

    base_form_class = OMPageForm  # only choosable files (R19)

    date = models.DateField("Sitzungsdatum")
    meeting_kind = models.CharField(
        "Art der Sitzung", max_length=16, choices=MeetingKind.choices, default=MeetingKind.PRAESENZ
    )
    location = models.CharField("Ort", max_length=255, blank=True)
    attendees = models.TextField("Teilnehmende", blank=True, help_text="Eine Person je Zeile.")
    body = RichTextField("Protokolltext", blank=True)

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("meeting_kind"), FieldPanel("location")]),
        FieldPanel("attendees"),
        InlinePanel("agenda_items", heading="Tagesordnung und Beschlüsse", label="TOP"),
        FieldPanel("body"),
        InlinePanel("documents", heading="Anhänge", label="Dokument"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("body"),
        index.SearchField("attendees"),
        index.RelatedFields(
            "agenda_items", [index.SearchField("title"), index.SearchField("decision"),
                             index.AutocompleteField("title"), index.AutocompleteField("decision")]
        ),
        index.FilterField("date"),
        index.FilterField("meeting_kind"),
        # The autocomplete field lets the search page match prefixes (``arbeit*``);
        # the text of attached PDF/DOCX/ODT files is found with the page (om_pages.attachments).
        index.AutocompleteField("body"),
        *ATTACHMENT_SEARCH_FIELDS,
    ]

    parent_page_types = ["om_pages.FachgruppePage", "om_pages.GremiumPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "Protokoll"
        verbose_name_plural = "Protokolle"

    @classmethod
    def attachment_lookups(cls) -> list[Prefetch]:
        """The attachment rows with their documents and collections, one query for many pages."""
        return [Prefetch("documents", queryset=ProtokollDocument.objects.select_related(
            "document__collection"))]

    def attached_documents(self) -> list:
        if "documents" in getattr(self, "_prefetched_objects_cache", {}):  # attachment_lookups()
            return [item.document for item in self.documents.all()]
        return [item.document for item in self.documents.select_related("document")]

    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]

    @property
    def body_owner(self) -> Page:
        """The Fachgruppe or Gremium whose meeting this is."""
        return self.get_parent().specific


class AgendaItem(Orderable):
    """A Tagesordnungspunkt with what was discussed and decided (Beschluss)."""

    page = ParentalKey(ProtokollPage, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField("Tagesordnungspunkt", max_length=255)
    discussion = models.TextField("Beratung", blank=True)
    decision = models.TextField("Beschluss", blank=True)

    panels = [FieldPanel("title"), FieldPanel("discussion"), FieldPanel("decision")]

    class Meta(Orderable.Meta):
        verbose_name = "Tagesordnungspunkt"
        verbose_name_plural = "Tagesordnungspunkte"


class ProtokollDocument(Orderable):
    """A document attached to a Protokoll (PDF, DOCX, ODT)."""

    page = ParentalKey(ProtokollPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="Dokument", on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = "Anhang"
        verbose_name_plural = "Anhänge"


class ProduktKind(models.TextChoices):
    LEITFADEN = "leitfaden", "Leitfaden"
    CHECKLISTE = "checkliste", "Checkliste"
    INSTRUMENT = "instrument", "Instrument"
    KONZEPT = "konzept", "Konzept"
    PRAXISSTANDARD = "praxisstandard", "Praxisstandard"


class ProduktPage(AttachmentSearchMixin, Page):
    """A deliverable of a Fachgruppe; decided in the AG Transfer and the Plenum (R11)."""

    base_form_class = RegisteredBaseForm(OMPageForm)  # files (R19); the workflow: no schedule

    kind = models.CharField("Produktart", max_length=32, choices=ProduktKind.choices)
    summary = models.TextField("Kurzbeschreibung", blank=True)
    body = RichTextField("Beschreibung", blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="Produktdatei", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"), FieldPanel("summary"), FieldPanel("body"), FieldPanel("document"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"), index.SearchField("body"), index.FilterField("kind"),
        *ATTACHMENT_SEARCH_FIELDS,  # the Produktdatei is found with the Produkt
    ]
    attachment_document_fields = ("document",)

    parent_page_types = ["om_pages.FachgruppePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "Produkt"
        verbose_name_plural = "Produkte"


class VeranstaltungKind(models.TextChoices):
    VERANSTALTUNG = "veranstaltung", "Veranstaltung"
    SEMINAR = "seminar", "Seminar"
    ANGEBOT = "angebot", "Sonstiges Angebot"
    WORKSHOP_ERPROBUNG = "workshop_erprobung", "Workshop zur Entwicklung und Erprobung"


class VeranstaltungPage(Page):
    """An event, seminar or offer of a Fachgruppe; needs consent unless exempt (R10)."""

    base_form_class = RegisteredBaseForm(OMPageForm)  # files (R19); the workflow: no schedule

    kind = models.CharField("Art", max_length=32, choices=VeranstaltungKind.choices)
    start = models.DateTimeField("Beginn")
    end = models.DateTimeField("Ende", null=True, blank=True)
    location = models.CharField("Ort", max_length=255, blank=True)
    summary = models.TextField("Kurzbeschreibung", blank=True)
    body = RichTextField("Beschreibung", blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("location"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"), index.SearchField("body"),
        index.FilterField("start"), index.FilterField("kind"),
    ]

    parent_page_types = ["om_pages.FachgruppePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "Veranstaltung"
        verbose_name_plural = "Veranstaltungen"

    @property
    def needs_consent(self) -> bool:
        """R10: workshops for development and testing need no consent; all else does."""
        return self.kind != VeranstaltungKind.WORKSHOP_ERPROBUNG

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "Das Ende liegt vor dem Beginn."})


def current_year() -> int:
    return datetime.date.today().year


class JahresberichtPage(AttachmentSearchMixin, Page):
    """A Fachgruppe's yearly report to the Plenum (R12)."""

    base_form_class = OMPageForm  # only choosable files (R19)

    year = models.PositiveIntegerField("Berichtsjahr", default=current_year)
    body = RichTextField("Bericht", blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="Berichtsdatei", null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    content_panels = Page.content_panels + [
        FieldPanel("year"), FieldPanel("body"), FieldPanel("document"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("body"), index.FilterField("year"),
        *ATTACHMENT_SEARCH_FIELDS,  # the Berichtsdatei is found with the report (R12)
    ]
    attachment_document_fields = ("document",)

    parent_page_types = ["om_pages.FachgruppePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "Jahresbericht"
        verbose_name_plural = "Jahresberichte"

    def clean(self):
        super().clean()
        if not 2000 <= (self.year or 0) <= current_year() + 1:
            raise ValidationError({"year": "Bitte ein plausibles Berichtsjahr angeben."})
