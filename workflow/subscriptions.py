"""Subscriptions by e-mail without an account (issue 16, R14): the model and its life cycle.

Anyone may subscribe to a saved search of ``/suche/``, to a Fachgruppe's new Protokolle and
Produkte, or to the Beschlüsse of the Plenum and the AG Transfer (their published Protokolle).
Double opt-in: a subscription is inactive until the signed link of the confirmation mail is
opened (``confirmation_token``, valid ``OM_ABO_CONFIRM_DAYS``); unconfirmed ones expire and
are removed by ``om_notify``. Unsubscribing keeps the row (``unsubscribed_at``), so the opt-out
of a partner's default subscription is remembered and never undone by ``sync_partners``.

No enumeration: ``subscribe`` answers nothing about the address; the view shows the same page
whatever happened. No mail bombing: no second confirmation mail to an address within
``OM_ABO_RESEND_MINUTES``, and at most ``OM_ABO_PENDING_MAX`` pending subscriptions per address.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from om_pages.models import FachgruppeMember, Person

CONFIRM_SALT = "om-records.abo.bestaetigen"


class Art(models.TextChoices):
    SUCHE = "suche", "Gespeicherte Suche"
    FACHGRUPPE = "fachgruppe", "Neue Protokolle und Produkte einer Fachgruppe"
    BESCHLUESSE = "beschluesse", "Beschlüsse von Plenum und AG Transfer"


class Haeufigkeit(models.TextChoices):
    TAEGLICH = "taeglich", "täglich"
    WOECHENTLICH = "woechentlich", "wöchentlich"


class Herkunft(models.TextChoices):
    FORMULAR = "formular", "Anmeldung über die Website"
    PARTNER = "partner", "Partnerorganisation einer Fachgruppe (Voreinstellung)"


class BeschlussGremium(models.TextChoices):
    BEIDE = "", "Plenum und AG Transfer"
    PLENUM = "plenum", "Plenum"
    AG_TRANSFER = "ag_transfer", "AG Transfer"


#: How the filters of a saved search are named in mails and lists.
SEARCH_FILTER_LABELS = {"gruppe": "Fachgruppe/Gremium Nr.", "jahr": "Jahr", "typ": "Seitentyp",
                        "von": "von", "bis": "bis"}
#: The longest saved search (query string) that can be stored.
MAX_SEARCH_LENGTH = 600

#: The bodies whose published Protokolle carry the decisions of a Beschlüsse subscription (R14).
BESCHLUSS_GREMIEN = ("plenum", "ag_transfer")


def new_token() -> str:
    """256 random bits: the unsubscribe link cannot be guessed or enumerated."""
    return secrets.token_urlsafe(32)


class AbonnementQuerySet(models.QuerySet):
    def active(self):
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def pending(self):
        return self.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True)

    def expired(self, now: datetime.datetime | None = None):
        """Unconfirmed past the confirmation link's validity."""
        limit = (now or timezone.now()) - datetime.timedelta(days=confirm_days())
        return self.pending().filter(created_at__lt=limit)


class Abonnement(models.Model):
    """One subscription of one address to one thing, with its digest watermark."""

    email = models.EmailField("E-Mail-Adresse", db_index=True)
    kind = models.CharField("Art", max_length=20, choices=Art.choices)
    frequency = models.CharField("Häufigkeit", max_length=20, choices=Haeufigkeit.choices,
                                 default=Haeufigkeit.WOECHENTLICH)
    source = models.CharField("Herkunft", max_length=20, choices=Herkunft.choices,
                              default=Herkunft.FORMULAR)
    search = models.CharField("Suche", max_length=MAX_SEARCH_LENGTH, blank=True,
                              help_text="Suchbegriff und Filter von /suche/ als Query-String.")
    fachgruppe = models.ForeignKey("om_pages.FachgruppePage", verbose_name="Fachgruppe", null=True,
                                   blank=True, on_delete=models.CASCADE, related_name="+")
    gremium = models.CharField("Gremium", max_length=20, blank=True, choices=BeschlussGremium.choices)
    organisation = models.ForeignKey("om_pages.Organisation", verbose_name="Partnerorganisation",
                                     null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token = models.CharField("Abmelde-Schlüssel", max_length=64, unique=True, default=new_token,
                             editable=False)
    created_at = models.DateTimeField("Angelegt am", default=timezone.now)
    confirmation_sent_at = models.DateTimeField("Bestätigung angefordert am", null=True, blank=True)
    confirmed_at = models.DateTimeField("Bestätigt am", null=True, blank=True)
    unsubscribed_at = models.DateTimeField("Abgemeldet am", null=True, blank=True)
    last_digest_at = models.DateTimeField(
        "Stand der letzten Zusammenfassung", null=True, blank=True,
        help_text="Neu ist, was danach zum ersten Mal veröffentlicht wurde.")

    objects = AbonnementQuerySet.as_manager()

    class Meta:
        app_label = "workflow"
        verbose_name = "Abonnement"
        verbose_name_plural = "Abonnements"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["confirmed_at", "unsubscribed_at"], name="abo_active_idx")]

    def __str__(self) -> str:
        return f"{self.describe()} ({self.get_frequency_display()})"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    @property
    def state_label(self) -> str:
        if self.unsubscribed_at:
            return "abgemeldet"
        return "aktiv" if self.confirmed_at else "unbestätigt"

    def describe(self) -> str:
        """What the subscription is about, in German (subjects, pages, the admin list)."""
        if self.kind == Art.SUCHE:
            from_search = search_label(self.search)
            return f"Suche: {from_search}"
        if self.kind == Art.FACHGRUPPE:
            title = self.fachgruppe.title if self.fachgruppe_id else "(gelöscht)"
            return f"Neue Protokolle und Produkte: {title}"
        return f"Beschlüsse: {BeschlussGremium(self.gremium).label}"

    def same_target(self):
        """The subscriptions of this address to the same thing (any state)."""
        return Abonnement.objects.filter(email=self.email, kind=self.kind, search=self.search,
                                         fachgruppe_id=self.fachgruppe_id, gremium=self.gremium)

    # --- links -----------------------------------------------------------------------------

    def confirmation_token(self) -> str:
        return signing.dumps(self.pk, salt=CONFIRM_SALT, compress=True)

    def confirm_url(self) -> str:
        return f"{base_url()}/abo/bestaetigen/{self.confirmation_token()}/"

    def unsubscribe_url(self) -> str:
        return f"{base_url()}/abo/abmelden/{self.token}/"


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def confirm_days() -> int:
    return int(getattr(settings, "OM_ABO_CONFIRM_DAYS", 7))


def resend_minutes() -> int:
    return int(getattr(settings, "OM_ABO_RESEND_MINUTES", 10))


def pending_max() -> int:
    return int(getattr(settings, "OM_ABO_PENDING_MAX", 10))


def search_label(query_string: str) -> str:
    """„Lärm“ (Jahr 2026) from ``q=L%C3%A4rm&jahr=2026``."""
    params = QueryDict(query_string)
    words = f"„{params.get('q', '')}“"
    extras = [f"{label} {params[name]}" for name, label in SEARCH_FILTER_LABELS.items()
              if params.get(name)]
    return f"{words} ({', '.join(extras)})" if extras else words


# --- double opt-in -------------------------------------------------------------------------------

def subscribe(candidate: Abonnement, now: datetime.datetime | None = None) -> bool:
    """Store ``candidate`` (unsaved, from the form) as pending and mail the confirmation link.

    Returns whether a mail went out; the caller must not tell the visitor (no enumeration).
    Nothing is sent for an address that is already subscribed to the same thing, that got a
    confirmation mail in the last ``OM_ABO_RESEND_MINUTES``, or has too many pending ones.
    """
    now = now or timezone.now()
    candidate.email = normalise_email(candidate.email)
    same = list(candidate.same_target().filter(unsubscribed_at__isnull=True))
    if any(abo.confirmed_at for abo in same):
        return False
    recent = now - datetime.timedelta(minutes=resend_minutes())
    valid_since = now - datetime.timedelta(days=confirm_days())
    pending = Abonnement.objects.pending().filter(email=candidate.email, created_at__gte=valid_since)
    if pending.filter(confirmation_sent_at__gte=recent).exists():
        return False
    if same:
        abo = same[0]
        if abo.created_at < valid_since:
            abo.created_at = now  # an expired request starts afresh
        abo.frequency = candidate.frequency
    else:
        if pending.count() >= pending_max():
            return False
        abo = candidate
        abo.created_at = now
    abo.confirmation_sent_at = now
    abo.save()
    confirmation_message(abo).send(fail_silently=False)
    return True


def normalise_email(address: str) -> str:
    """The domain in lower case (the local part may be case-sensitive, RFC 5321)."""
    local, _, domain = address.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else address.strip()


def confirmation_message(abo: Abonnement) -> EmailMultiAlternatives:
    context = {"abo": abo, "confirm_url": abo.confirm_url(), "days": confirm_days()}
    message = EmailMultiAlternatives(
        "[OM] Bitte bestätigen Sie Ihr Abonnement",
        render_to_string("workflow/abo/mail_bestaetigen.txt", context),
        settings.DEFAULT_FROM_EMAIL, [abo.email])
    message.attach_alternative(render_to_string("workflow/abo/mail_bestaetigen.html", context),
                               "text/html")
    return message


def from_confirmation_token(token: str) -> Abonnement | None:
    """The pending or active subscription the signed link names; None if forged or expired."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=datetime.timedelta(days=confirm_days()))
    except signing.BadSignature:
        return None
    return Abonnement.objects.filter(pk=pk, unsubscribed_at__isnull=True).first()


def confirm(abo: Abonnement, now: datetime.datetime | None = None) -> None:
    """Activate: the first digest holds what is first published after this moment."""
    if abo.confirmed_at is None:
        now = now or timezone.now()
        abo.confirmed_at = abo.last_digest_at = now
        abo.save(update_fields=["confirmed_at", "last_digest_at"])


def unsubscribe(abo: Abonnement, now: datetime.datetime | None = None) -> None:
    """Stop the mails; the row stays, so a partner's opt-out is remembered."""
    if abo.unsubscribed_at is None:
        abo.unsubscribed_at = now or timezone.now()
        abo.save(update_fields=["unsubscribed_at"])


def remove_expired(now: datetime.datetime | None = None) -> int:
    """Delete unconfirmed requests whose link has expired (they were never subscriptions)."""
    deleted, _ = Abonnement.objects.expired(now).delete()
    return deleted


# --- partners' default subscription (R14) ------------------------------------------------------

@dataclass(frozen=True)
class PartnerAddress:
    email: str
    organisation_id: int


def partner_addresses(groups) -> list[PartnerAddress]:
    """The contact addresses of the member organisations of ``groups``; one query.

    A group's partner organisation is an organisation listed among its members
    (``FachgruppeMember``); its contact address is the e-mail of a Person of that organisation.
    Organisations have no address of their own.
    """
    members = FachgruppeMember.objects.filter(page__in=groups).values("organisation_id")
    rows = (Person.objects.filter(organisation_id__in=members).exclude(email="")
            .values_list("email", "organisation_id").order_by("organisation_id", "pk"))
    seen: dict[str, PartnerAddress] = {}
    for email, organisation_id in rows:
        address = normalise_email(email)
        seen.setdefault(address, PartnerAddress(address, organisation_id))
    return list(seen.values())


def sync_partners(groups, now: datetime.datetime | None = None) -> int:
    """Give every partner address without one the weekly Beschlüsse digest; returns how many.

    An address that ever had a Beschlüsse subscription (confirmed, or a partner's, even if it
    unsubscribed) is left alone: an opt-out is never undone. Two queries and one bulk insert.
    """
    now = now or timezone.now()
    addresses = partner_addresses(groups)
    if not addresses:
        return 0
    known = set(Abonnement.objects.filter(kind=Art.BESCHLUESSE, email__in=[a.email for a in addresses])
                .filter(models.Q(confirmed_at__isnull=False) | models.Q(source=Herkunft.PARTNER))
                .values_list("email", flat=True))
    new = [Abonnement(email=a.email, kind=Art.BESCHLUESSE, gremium=BeschlussGremium.BEIDE,
                      frequency=Haeufigkeit.WOECHENTLICH, source=Herkunft.PARTNER,
                      organisation_id=a.organisation_id, created_at=now, confirmed_at=now,
                      last_digest_at=now)
           for a in addresses if a.email not in known]
    Abonnement.objects.bulk_create(new, batch_size=500)
    return len(new)
