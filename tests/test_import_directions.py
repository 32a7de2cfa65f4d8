"""The layers import each other only in the allowed directions (docs/architecture.md, "Layers").

Reads every project module's module-level imports with ``ast`` (nothing is imported, so a
violation is reported even where it would not crash): ``import x``, ``from x import y`` and
relative imports, also inside a module-level ``if``/``try``; imports inside functions and under
``if TYPE_CHECKING:`` are not module-level and are not counted.

- om_pages (pages, snippets) imports neither workflow nor search; it reaches search only
  through ``settings.OM_ATTACHMENT_TEXT_EXTRACTOR`` and workflow only through hooks and
  signals. The one om_pages module that needs search, the command ``import_protokolle``,
  imports it inside the command's methods, stated in its docstring; no om_pages module
  imports the command;
- search may import om_pages, never workflow;
- workflow may import om_pages;
- cms' settings import nothing of the apps (nor of cms' other modules);
- no circle of module-level imports among project modules.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cms", "om_pages", "workflow", "search")
APPS = ("om_pages", "workflow", "search")

#: Layer -> layers it must not import at module level.
FORBIDDEN = {
    "om_pages": {"workflow", "search"},
    "search": {"workflow"},
}

#: Known module-level imports against the directions above, each in another engineer's area and
#: being removed there: (importing module, imported module). Keep this empty once they are gone.
ALLOWED_EXCEPTIONS: set[tuple[str, str]] = set()

SETTINGS_MODULES = ("cms.settings", "cms.settings_test")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            modules[module_name(path)] = path
    return modules


def resolve(name: str) -> str | None:
    """The project module ``name`` means (the longest existing prefix), or None if not ours."""
    if name.split(".")[0] not in PACKAGES:
        return None
    modules = project_modules()
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_level_statements(body: list[ast.stmt]):
    for node in body:
        if isinstance(node, ast.If):
            if not is_type_checking(node.test):
                yield from module_level_statements(node.body)
            yield from module_level_statements(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from module_level_statements(block)
        else:
            yield node


@cache
def imports_of(module: str) -> frozenset[str]:
    """The project modules ``module`` imports at module level."""
    path = project_modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    modules = project_modules()
    found = set()
    for node in module_level_statements(ast.parse(path.read_text(), str(path)).body):
        if isinstance(node, ast.Import):
            targets = [resolve(alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # ``from pkg import sub`` imports the submodule ``pkg.sub`` when there is one,
            # else a name defined in ``pkg``
            targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else resolve(origin)
                       for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target is not None and target != module)
    return frozenset(found)


def layer(module: str) -> str:
    return module.split(".")[0]


def test_the_project_modules_are_found():
    modules = project_modules()
    assert {"cms.settings", "om_pages.models.pages", "workflow.models", "search.extraction"} <= set(modules)
    assert "om_pages.attachments" in imports_of("om_pages.models.pages")
    assert any(layer(target) == "om_pages" for target in imports_of("workflow.compliance"))


@pytest.mark.parametrize("importer", sorted(FORBIDDEN))
def test_layers_import_only_downwards(importer):
    wrong = sorted(
        (module, target)
        for module in project_modules() if layer(module) == importer
        for target in imports_of(module)
        if layer(target) in FORBIDDEN[importer] and (module, target) not in ALLOWED_EXCEPTIONS
    )
    assert not wrong, f"{importer} must not import {sorted(FORBIDDEN[importer])} at module level: {wrong}"


def test_allowed_exceptions_still_exist():
    """An exception that is gone is taken off the list, so none is left behind unnoticed."""
    stale = sorted(pair for pair in ALLOWED_EXCEPTIONS if pair[1] not in imports_of(pair[0]))
    assert not stale, f"no longer imported, remove from ALLOWED_EXCEPTIONS: {stale}"


@pytest.mark.parametrize("settings_module", SETTINGS_MODULES)
def test_settings_import_nothing_of_the_apps(settings_module):
    allowed = set(SETTINGS_MODULES) | {"cms"}
    wrong = sorted(target for target in imports_of(settings_module) if target not in allowed)
    assert not wrong, f"{settings_module} names the apps by dotted path only, never imports them: {wrong}"


def test_no_import_circles_at_module_level():
    modules = project_modules()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    circles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(imports_of(module)):
            if state.get(target) == 1:
                circles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(modules):
        if module not in state:
            visit(module, [module])
    assert not circles, "module-level import circles: " + "; ".join(" → ".join(c) for c in circles)


def test_no_module_imports_a_management_command():
    """Commands are entry points for manage.py; what they may use stays out of the layers' imports."""
    wrong = sorted((module, target) for module in project_modules() for target in imports_of(module)
                   if ".management.commands." in target)
    assert not wrong, f"management commands imported at module level: {wrong}"
