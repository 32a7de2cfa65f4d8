"""The daily and weekly digests of the subscriptions (issue 16, R14, R19), sent by ``om_notify``.

What is new: a public page first published after the subscription's watermark
(``last_digest_at``) and up to the run's start; the watermark moves to the run's start when
the digest is sent. Only public content: every candidate comes from ``om_pages.public.visible``
(live, no view restriction, no unpublished ancestor) or, for a saved search, from
``search.service.run`` — the very search of ``/suche/``, which confirms each hit the same way.
A draft, a restricted page or an undecided Produkt (never live, R11) cannot be in a digest.

Scale: the candidates are read once per run (one search per distinct query and filters, one
query for the groups' new pages, one for the bodies' Protokolle), then split per subscription
in memory. Mails go out in batches over one connection: per batch one transaction inserts the
Benachrichtigung rows (their unique key: subscription and period) and moves the watermarks
in bulk, then sends. If a send fails, the batch's transaction is rolled back and the mails
that did go out are recorded again in a new one, so nothing is lost and nothing sent twice;
only a hard kill of the process while a batch is in flight can repeat up to one batch.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from om_pages.models import GremiumPage, ProduktPage, ProtokollPage
from om_pages.public import visible
from search import service
from search.query import parse
from search.views import read_filters
from workflow.benachrichtigung import Benachrichtigung
from workflow.mailing import FOOTER, Mail, already_sent
from workflow.subscriptions import BESCHLUSS_GREMIEN, Abonnement, Art, Haeufigkeit, base_url

#: A digest lists at most this many items; the rest are counted and linked.
MAX_ITEMS = 50
BATCH_SIZE = 100
#: After this many refused mails in a row the run stops (the server is down); the next run goes on.
MAX_ERRORS_IN_A_ROW = 10


@dataclass
class Item:
    """One new public page in a digest."""

    pk: int
    title: str
    url: str
    published: datetime.datetime
    owner: str = ""
    kind: str = ""
    date: datetime.date | None = None
    lines: list[str] = field(default_factory=list)

    @cached_property
    def text_block(self) -> str:
        """Rendered once per run, however many digests list the item."""
        return render_to_string("workflow/abo/mail_item.txt", {"item": self}).strip("\n") + "\n"

    @cached_property
    def html_block(self) -> str:
        return render_to_string("workflow/abo/mail_item.html", {"item": self})

    def heading(self) -> str:
        parts = [part for part in (self.kind, self.owner) if part]
        when = f", {self.date:%d.%m.%Y}" if self.date else ""
        return f"{self.title} ({' – '.join(parts)}{when})" if parts else self.title


@dataclass
class DigestMail(Mail):
    """A digest: the items, and the unsubscribe link in the text and the headers (RFC 8058)."""

    items: list[Item] = field(default_factory=list)
    more: int = 0
    unsubscribe_url: str = ""
    abonnement_id: int = 0
    intro: str = ""

    def context(self) -> dict:
        return {"subject": self.subject, "intro": self.intro, "more": self.more,
                "items_text": "\n" + "\n".join(item.text_block for item in self.items),
                "items_html": mark_safe("".join(item.html_block for item in self.items)),  # noqa: S308
                "link": self.link, "link_text": self.link_text,
                "unsubscribe_url": self.unsubscribe_url, "footer": FOOTER}

    def text(self) -> str:
        return render_to_string("workflow/abo/mail_digest.txt", self.context())

    def html(self) -> str:
        return render_to_string("workflow/abo/mail_digest.html", self.context())

    def message(self, connection=None) -> EmailMultiAlternatives:
        message = super().message(connection)
        message.extra_headers.update({
            "List-Unsubscribe": f"<{self.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        })
        return message


# --- periods -------------------------------------------------------------------------------------

def period(frequency: str, today: datetime.date) -> tuple[str, datetime.date]:
    """The period's label for the key and its first day: the day, or the ISO week."""
    if frequency == Haeufigkeit.TAEGLICH:
        return today.isoformat(), today
    year, week, weekday = today.isocalendar()
    return f"{year}-W{week:02d}", today - datetime.timedelta(days=weekday - 1)


def digest_key(abo: Abonnement, today: datetime.date) -> str:
    return f"abo:{abo.pk}:{period(abo.frequency, today)[0]}"


def period_start(frequency: str, today: datetime.date) -> datetime.datetime:
    start = period(frequency, today)[1]
    return timezone.make_aware(datetime.datetime.combine(start, datetime.time()))


def due_subscriptions(today: datetime.date) -> list[Abonnement]:
    """Active subscriptions whose watermark lies before the current period; one query."""
    daily, weekly = (period_start(f, today) for f in (Haeufigkeit.TAEGLICH, Haeufigkeit.WOECHENTLICH))
    return list(Abonnement.objects.active()
                .filter(Q(frequency=Haeufigkeit.TAEGLICH, last_digest_at__lt=daily)
                        | Q(frequency=Haeufigkeit.WOECHENTLICH, last_digest_at__lt=weekly))
                .select_related("fachgruppe").order_by("pk"))


# --- candidates ----------------------------------------------------------------------------------

class Urls:
    """Public URLs from ``url_path`` (single site), without a query per page."""

    def __init__(self, site: Site | None) -> None:
        self.prefix = site.root_page.url_path if site else "/"
        self.base = base_url()

    def __call__(self, url_path: str) -> str:
        if url_path.startswith(self.prefix):
            url_path = "/" + url_path[len(self.prefix):]
        return self.base + url_path


def default_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).select_related("root_page").first() \
        or Site.objects.select_related("root_page").first()


def new_pages(model, root: Page, since: datetime.datetime, until: datetime.datetime):
    """Public pages of ``model`` first published in (since, until] below ``root``."""
    return (visible(model, root).filter(first_published_at__gt=since, first_published_at__lte=until)
            .order_by("first_published_at", "pk"))


def owner_titles(paths: Iterable[str]) -> dict[str, str]:
    """The title of each page's parent, by the parent's path; one query."""
    paths = {path[:-Page.steplen] for path in paths}
    return dict(Page.objects.filter(path__in=paths).values_list("path", "title"))


def protokoll_lines(protokoll: ProtokollPage) -> list[str]:
    """The agenda and its decisions, as the Atom feed reads them."""
    lines = []
    for number, agenda_item in enumerate(protokoll.agenda_items.all(), start=1):
        line = f"TOP {number}: {agenda_item.title}"
        if agenda_item.decision:
            line += f" – Beschluss: {agenda_item.decision}"
        lines.append(line)
    return lines


def group_items(root: Page, since, until, urls: Urls) -> list[tuple[str, Item]]:
    """(path, item) of every new public Protokoll and Produkt of a Fachgruppe; three queries."""
    pages = [*new_pages(ProtokollPage, root, since, until).filter(depth__gt=root.depth + 2),
             *new_pages(ProduktPage, root, since, until)]
    owners = owner_titles(page.path for page in pages)
    result = []
    for page in pages:
        is_protokoll = isinstance(page, ProtokollPage)
        result.append((page.path, Item(
            pk=page.pk, title=page.title, url=urls(page.url_path), published=page.first_published_at,
            owner=owners.get(page.path[:-Page.steplen], ""),
            kind="Protokoll" if is_protokoll else "Produkt",
            date=page.date if is_protokoll else timezone.localdate(page.first_published_at))))
    result.sort(key=lambda pair: (pair[1].published, pair[1].pk))
    return result


def decision_items(root: Page, since, until, urls: Urls) -> dict[str, list[Item]]:
    """Per body (plenum, ag_transfer), its new public Protokolle with their Beschlüsse."""
    bodies = {page.path: page for page in
              visible(GremiumPage, root).filter(kind__in=BESCHLUSS_GREMIEN)}
    result: dict[str, list[Item]] = {kind: [] for kind in BESCHLUSS_GREMIEN}
    if not bodies:
        return result
    protokolle = new_pages(ProtokollPage, root, since, until).prefetch_related("agenda_items")
    for protokoll in protokolle:
        body = bodies.get(protokoll.path[:-Page.steplen])
        if body is None:
            continue
        result[body.kind].append(Item(
            pk=protokoll.pk, title=protokoll.title, url=urls(protokoll.url_path),
            published=protokoll.first_published_at, owner=body.title, kind="Protokoll",
            date=protokoll.date, lines=protokoll_lines(protokoll)))
    return result


def search_items(searches: Iterable[str], since, until, site: Site | None,
                 urls: Urls) -> dict[str, list[Item]]:
    """Per saved search (query string), its public hits first published in (since, until], in
    the search's order. One run of ``search.service`` per distinct search, one page query."""
    ranked: dict[str, list[int]] = {}
    for query_string in searches:
        params = QueryDict(query_string)
        parsed = parse(params.get("q", ""))
        filters, problems = read_filters(params)
        if not parsed.ok or problems:
            ranked[query_string] = []
            continue
        ranked[query_string] = [row.pk for row in service.run(parsed, filters, site).rows]
    pks = {pk for hits in ranked.values() for pk in hits}
    pages = {}
    if pks:
        pages = {row["pk"]: row for row in Page.objects.filter(
            pk__in=pks, first_published_at__gt=since, first_published_at__lte=until)
            .values("pk", "title", "url_path", "first_published_at", "path")}
    owners = owner_titles(row["path"] for row in pages.values())
    return {
        query_string: [Item(pk=pk, title=pages[pk]["title"], url=urls(pages[pk]["url_path"]),
                            published=pages[pk]["first_published_at"],
                            owner=owners.get(pages[pk]["path"][:-Page.steplen], ""))
                       for pk in hits if pk in pages]
        for query_string, hits in ranked.items()
    }


# --- composing ----------------------------------------------------------------------------------

def compose(abo: Abonnement, items: list[Item], today: datetime.date, urls: Urls) -> DigestMail:
    shown, more = items[:MAX_ITEMS], max(0, len(items) - MAX_ITEMS)
    how = "Ihre tägliche" if abo.frequency == Haeufigkeit.TAEGLICH else "Ihre wöchentliche"
    count = f"{len(items)} neue{'r' if len(items) == 1 else ''} Eintr{'ag' if len(items) == 1 else 'äge'}"
    link, link_text = "", ""
    if abo.kind == Art.SUCHE:
        link, link_text = f"{base_url()}/suche/?{abo.search}", "Zur Suche"
    elif abo.kind == Art.FACHGRUPPE and abo.fachgruppe_id:
        link, link_text = urls(abo.fachgruppe.url_path), "Zur Seite der Fachgruppe"
    return DigestMail(
        key=digest_key(abo, today), kind="abo", to=[abo.email],
        subject=f"[OM] {abo.describe()} – {count}",
        paragraphs=[], link=link, link_text=link_text,
        fachgruppe_id=abo.fachgruppe_id, items=shown, more=more,
        unsubscribe_url=abo.unsubscribe_url(), abonnement_id=abo.pk,
        intro=f"{how} Zusammenfassung zu „{abo.describe()}“: {count}, zum ersten Mal "
              "veröffentlicht seit der letzten Nachricht.")


def due_digests(today: datetime.date | None = None, until: datetime.datetime | None = None,
                subscriptions: list[Abonnement] | None = None) -> list[DigestMail]:
    """The digests due now with at least one new item (sent or not)."""
    today = today or timezone.localdate()
    until = until or timezone.now()
    abos = due_subscriptions(today) if subscriptions is None else subscriptions
    if not abos:
        return []
    since = min(abo.last_digest_at for abo in abos)
    site = default_site()
    if site is None:
        return []
    root, urls = site.root_page, Urls(site)
    kinds = {abo.kind for abo in abos}
    groups = group_items(root, since, until, urls) if Art.FACHGRUPPE in kinds else []
    decisions = decision_items(root, since, until, urls) if Art.BESCHLUESSE in kinds else {}
    searches = (search_items({abo.search for abo in abos if abo.kind == Art.SUCHE}, since, until,
                             site, urls) if Art.SUCHE in kinds else {})
    by_group: dict[int, list[Item]] = defaultdict(list)
    mails = []
    for abo in abos:
        if abo.kind == Art.SUCHE:
            candidates = searches.get(abo.search, [])
        elif abo.kind == Art.FACHGRUPPE:
            if abo.fachgruppe_id is None:
                continue
            if abo.fachgruppe_id not in by_group:
                prefix = abo.fachgruppe.path
                by_group[abo.fachgruppe_id] = [item for path, item in groups if path.startswith(prefix)]
            candidates = by_group[abo.fachgruppe_id]
        else:
            bodies = [abo.gremium] if abo.gremium else list(BESCHLUSS_GREMIEN)
            candidates = sorted((item for body in bodies for item in decisions.get(body, [])),
                                key=lambda item: (item.published, item.pk))
        items = [item for item in candidates if item.published > abo.last_digest_at]
        if items:
            mails.append(compose(abo, items, today, urls))
    return mails


# --- sending ------------------------------------------------------------------------------------

@dataclass
class Outcome:
    sent: int = 0
    errors: list[str] = field(default_factory=list)
    stopped: str = ""


class _Stopped(Exception):
    """A send failed inside a batch: ``done`` mails went out before it."""

    def __init__(self, done: int, error: BaseException) -> None:
        super().__init__(str(error))
        self.done, self.error = done, error


def _record(mails: list[DigestMail], until: datetime.datetime) -> None:
    Benachrichtigung.objects.bulk_create([
        Benachrichtigung(key=m.key, kind=m.kind, fachgruppe_id=m.fachgruppe_id,
                         recipients="\n".join(m.to), subject=m.subject[:255]) for m in mails])
    Abonnement.objects.filter(pk__in=[m.abonnement_id for m in mails]).update(last_digest_at=until)


def _send_batch(mails: list[DigestMail], connection, until: datetime.datetime) -> None:
    """Record and send in one transaction; raises ``_Stopped`` after recording what went out."""
    try:
        with transaction.atomic():
            _record(mails, until)
            for done, mail in enumerate(mails):
                try:
                    sent = connection.send_messages([mail.message(connection)])
                except BaseException as error:  # noqa: BLE001 - recorded below, then re-raised
                    raise _Stopped(done, error) from error
                if not sent:
                    raise _Stopped(done, RuntimeError("Der Mailserver hat die Nachricht nicht angenommen."))
    except _Stopped as stopped:
        if stopped.done:
            with transaction.atomic():
                _record(mails[:stopped.done], until)
        raise


def sent_keys(keys: list[str], chunk: int = 5000) -> set[str]:
    """``mailing.already_sent`` in chunks (SQLite takes at most 32,766 parameters a query)."""
    return set().union(*(already_sent(keys[i:i + chunk]) for i in range(0, len(keys), chunk)))


def send_digests(mails: list[DigestMail], connection, until: datetime.datetime,
                 batch_size: int = BATCH_SIZE) -> Outcome:
    """Send the mails not sent yet, in batches; a refused mail is counted and retried next run.

    A ``BaseException`` (the process is stopped) propagates after what went out is recorded.
    """
    outcome = Outcome()
    done = sent_keys([m.key for m in mails])
    pending = [m for m in mails if m.key not in done]
    if not pending:
        return outcome
    opened = connection.open()  # one connection for the whole run
    try:
        _send_all(pending, connection, until, batch_size, outcome)
    finally:
        if opened:
            connection.close()
    return outcome


def _send_all(pending: list[DigestMail], connection, until, batch_size: int, outcome: Outcome) -> None:
    start = failed_in_a_row = 0
    while start < len(pending):
        if failed_in_a_row >= MAX_ERRORS_IN_A_ROW:  # the server is down: the next run retries
            outcome.stopped = (f"Abbruch nach {failed_in_a_row} Fehlern in Folge; "
                               f"{len(pending) - start} Zusammenfassungen warten auf den nächsten Lauf.")
            return
        batch = pending[start:start + batch_size]
        try:
            _send_batch(batch, connection, until)
        except _Stopped as stopped:
            outcome.sent += stopped.done
            if not isinstance(stopped.error, Exception):
                raise stopped.error from None
            failed = batch[stopped.done]
            outcome.errors.append(f"{failed.key}: {stopped.error}")
            failed_in_a_row = 1 if stopped.done else failed_in_a_row + 1
            start += stopped.done + 1
            continue
        except IntegrityError:  # a concurrent run took some keys: send the rest one batch later
            taken = already_sent([m.key for m in batch])
            pending[start:start + batch_size] = [m for m in batch if m.key not in taken]
            if not taken:
                raise
            continue
        outcome.sent += len(batch)
        failed_in_a_row = 0
        start += batch_size
