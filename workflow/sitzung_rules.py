"""When a body's decision may be recorded under a TOP of its Sitzung (R1, R10, R11).

A decision names the TOP of a Sitzung of the deciding body, a Sitzung that has been held
(not planned or only invited, not in the future) and whose minutes are not yet published,
that took place after the Vorgang came before the body, and whose agenda holds this Vorgang.
Every reason is returned at once, in German.
"""

from __future__ import annotations

from django.utils import timezone

from workflow.choices import Gremium
from workflow.sitzung import SitzungState, Tagesordnungspunkt


def sitzung_problems(gremium: str, top: Tagesordnungspunkt | None, vorgang=None,
                     now=None) -> list[str]:
    """Why ``top`` cannot carry the decision of ``gremium`` on ``vorgang`` (empty: it can)."""
    body = Gremium(gremium).label
    if top is None:
        return [f"Bitte den Tagesordnungspunkt der Sitzung der {body} angeben, unter dem "
                "entschieden wurde."]
    sitzung = top.sitzung
    problems = []
    if sitzung.gremium != gremium:
        problems.append(f"„{sitzung}“ ist keine Sitzung der {body}.")
    if vorgang is not None and top.vorgang_id != vorgang.pk:
        problems.append(f"TOP {top.number} „{top.title}“ betrifft nicht diese Vorlage.")
    now = now or timezone.now()
    if sitzung.starts_at > now:
        problems.append(f"Die Sitzung am {sitzung.starts_at_local} Uhr liegt in der Zukunft; "
                        "Beschlüsse werden in oder nach der Sitzung erfasst.")
    elif sitzung.state in (SitzungState.GEPLANT, SitzungState.EINGELADEN):
        problems.append(f"Die Sitzung am {sitzung.starts_at_local} Uhr ist noch nicht als "
                        "gehalten vermerkt.")
    if sitzung.state == SitzungState.ABGESCHLOSSEN:
        problems.append(f"Die Sitzung am {sitzung.starts_at_local} Uhr ist abgeschlossen, ihr "
                        "Protokoll veröffentlicht; Beschlüsse können nicht mehr erfasst werden.")
    arrived = getattr(vorgang, "waiting_since", None)
    if arrived is not None and sitzung.starts_at < arrived:
        problems.append(f"Die Sitzung am {sitzung.starts_at_local} Uhr fand statt, bevor die "
                        f"Vorlage der {body} vorlag.")
    return problems
