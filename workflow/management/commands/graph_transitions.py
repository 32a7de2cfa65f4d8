"""Draw each approval machine as Graphviz dot and Mermaid text (docs/workflow/).

django-fsm-2 ships a ``graph_transitions`` command, but it needs the ``graphviz`` package and
does not see transitions that live on proxy models; this one writes plain text, no dependency.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from workflow.models import MACHINES, State
from workflow.steps import step_of


def edges(machine) -> list[tuple[str, str, str, str]]:
    """(source, target, label, actor) for every transition of ``machine``."""
    result = []
    for t in machine._meta.get_field("state").get_all_transitions(machine):
        result.append((t.source, t.target, step_of(t).label, step_of(t).actor))
    return sorted(set(result), key=lambda e: (list(State).index(e[0]), e[2]))


def to_dot(machine) -> str:
    lines = [f'digraph "{machine._meta.verbose_name}" {{', "  rankdir=LR;",
             '  node [shape=box, style=rounded, fontname="Helvetica"];']
    states = {s for e in edges(machine) for s in e[:2]}
    for state in sorted(states, key=lambda s: list(State).index(s)):
        lines.append(f'  {state} [label="{State(state).label}"];')
    for source, target, label, actor in edges(machine):
        lines.append(f'  {source} -> {target} [label="{label}\\n({actor})"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(machine) -> str:
    lines = ["stateDiagram-v2", "    [*] --> entwurf"]
    for source, target, label, actor in edges(machine):
        lines.append(f"    {source} --> {target}: {label} ({actor})")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Zeichnet die Freigabe-Automaten als Graphviz- (.dot) und Mermaid-Text (.mmd)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "workflow"),
                            help="Zielordner (Standard: docs/workflow)")

    def handle(self, *args, output: str, **options) -> None:
        target = Path(output)
        target.mkdir(parents=True, exist_ok=True)
        for kind, machine in MACHINES.items():
            (target / f"{kind}.dot").write_text(to_dot(machine), encoding="utf-8")
            (target / f"{kind}.mmd").write_text(to_mermaid(machine), encoding="utf-8")
            self.stdout.write(f"{machine._meta.verbose_name}: {target / kind}.dot, .mmd")
