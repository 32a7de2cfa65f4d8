"""Content model of om-records (DESIGN.md, "Content")."""

from om_pages.models.pages import (
    AgendaItem,
    FachgruppeMember,
    FachgruppenIndexPage,
    FachgruppePage,
    GremiumKind,
    GremiumPage,
    HomePage,
    JahresberichtPage,
    Kooperation,
    MeetingKind,
    ProduktKind,
    ProduktPage,
    ProtokollDocument,
    ProtokollPage,
    VeranstaltungKind,
    VeranstaltungPage,
)
from om_pages.models.snippets import (
    INTERMEDIARY_KINDS,
    Organisation,
    OrganisationKind,
    Person,
)

__all__ = [
    "AgendaItem",
    "FachgruppeMember",
    "FachgruppePage",
    "Kooperation",
    "FachgruppenIndexPage",
    "GremiumKind",
    "GremiumPage",
    "HomePage",
    "INTERMEDIARY_KINDS",
    "JahresberichtPage",
    "MeetingKind",
    "Organisation",
    "OrganisationKind",
    "Person",
    "ProduktKind",
    "ProduktPage",
    "ProtokollDocument",
    "ProtokollPage",
    "VeranstaltungKind",
    "VeranstaltungPage",
]
