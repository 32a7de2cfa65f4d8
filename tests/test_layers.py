"""The import layers of the project, read from the source (ast), not from a running Django.

* ``workflow``: no module imports a project module inside a function (the imports say what
  a module depends on, and a hidden import is how an import circle hides), except the
  documented allow-list; and the modules of ``workflow`` import each other without a circle
  (choices → querysets → vorgang → rules → guards → machines → services → views and hooks).
* ``om_pages`` knows nothing of ``workflow`` or ``search`` (docs/architecture.md): it offers
  hook points (``om_pages.extension``) that they register into.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("cms", "om_pages", "search", "workflow")

#: Function-level project imports in workflow/ that stay, with the reason.
ALLOWED_FUNCTION_IMPORTS = {
    # Django imports apps.py before any model is loaded; ready() is where an app connects its
    # receivers and registers into other apps, so its imports are in the function by design.
    "workflow.apps",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def resolve(node: ast.ImportFrom | ast.Import, importer: str, is_package: bool) -> list[str]:
    """The project modules an import statement loads (``from a import b``: ``a.b`` if a module)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = importer.split(".") if is_package else importer.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join(package + ([base] if base else []))
        names = []
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            names.append(candidate if module_exists(candidate) else base)
    return [n for n in names if n.split(".")[0] in PROJECT_PACKAGES]


def module_exists(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports(path: Path) -> list[tuple[str, bool, int]]:
    """(imported project module, inside a function?, line) for every import of the file."""
    importer = module_name(path)
    is_package = path.name == "__init__.py"
    found: list[tuple[str, bool, int]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.extend((name, in_function, child.lineno)
                             for name in resolve(child, importer, is_package))
            visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef
                                                   | ast.Lambda))

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def test_workflow_has_no_function_level_project_imports():
    hidden = [f"{module_name(path)}:{line} imports {name}"
              for path in python_files("workflow")
              for name, in_function, line in imports(path)
              if in_function and module_name(path) not in ALLOWED_FUNCTION_IMPORTS]
    assert hidden == []


def test_workflow_modules_import_each_other_without_a_circle():
    graph = {module_name(path): {name for name, _, _ in imports(path)
                                 if name.startswith("workflow.") and name != module_name(path)}
             for path in python_files("workflow")
             if module_name(path) not in ALLOWED_FUNCTION_IMPORTS}
    done: set[str] = set()
    circles: list[list[str]] = []

    def walk(module: str, trail: list[str]) -> None:
        if module in trail:
            circles.append(trail[trail.index(module):] + [module])
            return
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            walk(target, trail + [module])
        done.add(module)

    for module in sorted(graph):
        walk(module, [])
    assert circles == []


#: The import of legacy minutes creates Protokoll pages (so it lives in om_pages) from files
#: whose text only the search app can read, and logs them in search's ``ImportedFile``; it
#: imports search inside its methods, which docs/architecture.md names as the one exception.
OM_PAGES_MAY_REACH_SEARCH = {"om_pages.management.commands.import_protokolle"}


def test_om_pages_imports_nothing_of_workflow_or_search():
    reaching = [f"{module_name(path)}:{line} imports {name}"
                for path in python_files("om_pages")
                for name, _, line in imports(path)
                if name.split(".")[0] in ("workflow", "search")
                and not (module_name(path) in OM_PAGES_MAY_REACH_SEARCH and name.startswith("search."))]
    assert reaching == []


def test_the_layer_test_sees_imports():
    """The parser finds the imports it is meant to judge (a guard against a vacuous pass)."""
    found = {name for name, _, _ in imports(ROOT / "workflow" / "machines.py")}
    assert {"workflow.guards", "workflow.permissions", "workflow.vorgang"} <= found
    assert any(in_function for _, in_function, _ in imports(ROOT / "workflow" / "apps.py"))
