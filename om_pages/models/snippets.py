"""Organisations and people: the snippets every page of a Fachgruppe refers to."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from om_pages.forms import OMSnippetForm


class OrganisationKind(models.TextChoices):
    """The kinds of organisation of D1; the first five are intermediaries."""

    KOERPERSCHAFT = "koerperschaft", "Körperschaft des öffentlichen Rechts (Kammer, Innung, …)"
    SOZIALVERSICHERUNG = "sozialversicherung", "Sozialversicherungsträger oder Unterorganisation"
    BILDUNG_FORSCHUNG = "bildung_forschung", "Hochschule oder gemeinnützige Bildung/Forschung/Beratung"
    VERBAND = "verband", "Verband, Stiftung, Akademie"
    GEWERKSCHAFT = "gewerkschaft", "Gewerkschaft oder gewerkschaftsnahe Einrichtung"
    UNTERNEHMEN = "unternehmen", "Unternehmen, Beratung, Anbieter"
    PRIVATPERSON = "privatperson", "Privatperson"


#: D1: semi-state, non-profit and political bodies that mediate between state and population.
INTERMEDIARY_KINDS = frozenset(
    {
        OrganisationKind.KOERPERSCHAFT,
        OrganisationKind.SOZIALVERSICHERUNG,
        OrganisationKind.BILDUNG_FORSCHUNG,
        OrganisationKind.VERBAND,
        OrganisationKind.GEWERKSCHAFT,
    }
)


class OrganisationQuerySet(models.QuerySet):
    def intermediaries(self) -> "OrganisationQuerySet":
        """Only intermediary organisations (D1), as R4 and R5 count them."""
        return self.filter(kind__in=INTERMEDIARY_KINDS)


class Organisation(index.Indexed, models.Model):
    """A partner or member organisation; whether it is an intermediary follows from its kind (D1)."""

    base_form_class = OMSnippetForm  # only choosable files (R19)

    name = models.CharField("Name", max_length=255, unique=True)
    kind = models.CharField("Art (D1)", max_length=32, choices=OrganisationKind.choices)
    is_om_partner = models.BooleanField(
        "OM-Partner", default=False, help_text="Ist Partner der Offensive Mittelstand (R13)."
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="Übergeordnete Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
        help_text="Für regionale Einheiten großer Organisationen (R13).",
    )
    website = models.URLField("Website", blank=True)

    objects = OrganisationQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("is_om_partner"),
        FieldPanel("parent"),
        FieldPanel("website"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = "Organisation"
        verbose_name_plural = "Organisationen"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_intermediary(self) -> bool:
        """D1: derived from the kind, never typed in."""
        return self.kind in INTERMEDIARY_KINDS

    @property
    def is_regional_unit_of_partner(self) -> bool:
        """R13's exemption: a regional unit of a large organisation that is a national partner."""
        return self.parent is not None and self.parent.is_om_partner


class Person(index.Indexed, models.Model):
    """A contact person, e.g. a Fachgruppe's Koordination or Moderation (R5)."""

    base_form_class = OMSnippetForm  # only choosable files (R19)

    first_name = models.CharField("Vorname", max_length=100)
    last_name = models.CharField("Nachname", max_length=100)
    email = models.EmailField("E-Mail", blank=True)
    phone = models.CharField("Telefon", max_length=50, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    user = models.OneToOneField(
        "auth.User",
        verbose_name="CMS-Zugang",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    panels = [
        FieldPanel("first_name"),
        FieldPanel("last_name"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("organisation"),
        FieldPanel("user"),
    ]
    search_fields = [
        index.SearchField("first_name"),
        index.SearchField("last_name"),
        index.AutocompleteField("last_name"),
    ]

    class Meta:
        verbose_name = "Person"
        verbose_name_plural = "Personen"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
