"""The apps' dependencies point one way (docs/architecture.md): a lower app never imports a higher one.

core ← accounts ← network ← paths ← meetings ← jobs, with notifications beside them, used by meetings and jobs;
insights and api sit on top and may import everything. A lower app that needs something from a higher one
offers a hook instead (a signal, a registry like `core.health.register_readiness_check`), so each app can be
understood, tested and changed with only the apps below it in mind. Imports inside functions count too:
a late import is still a dependency.
"""

import ast
from pathlib import Path

import kaffebro

PACKAGE = Path(kaffebro.__file__).parent

# Each app, and the apps it may import.
MAY_IMPORT = {
    "core": set(),
    "accounts": {"core"},
    "notifications": {"core", "accounts"},
    "network": {"core", "accounts"},
    "paths": {"core", "accounts", "network"},
    "meetings": {"core", "accounts", "network", "paths", "notifications"},
    "jobs": {"core", "accounts", "network", "paths", "notifications", "meetings"},
}
TOP_APPS = {"insights", "api"}  # may import every app below them; nothing below imports them


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "kaffebro" else None


def imported_modules(source: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def forbidden_imports() -> list[str]:
    found = []
    for app_dir in sorted(path for path in PACKAGE.iterdir() if (path / "apps.py").exists()):
        app = app_dir.name
        allowed = MAY_IMPORT.get(app, set(MAY_IMPORT) | TOP_APPS) | {app}
        for source in sorted(app_dir.rglob("*.py")):
            for line, module in imported_modules(source):
                other = app_of(module)
                if other in MAY_IMPORT.keys() | TOP_APPS and other not in allowed:
                    found.append(f"{source.relative_to(PACKAGE.parent)}:{line} ({app}) imports {module}")
    return found


def test_every_app_is_placed_in_the_layers():
    apps = {path.name for path in PACKAGE.iterdir() if (path / "apps.py").exists()}
    assert apps == MAY_IMPORT.keys() | TOP_APPS


def test_no_app_imports_an_app_above_it():
    assert forbidden_imports() == []


def test_the_api_is_imported_by_no_other_app_and_insights_only_by_the_api():
    importers = {
        (source.relative_to(PACKAGE).parts[0], app_of(module))
        for source in PACKAGE.rglob("*.py")
        if len(source.relative_to(PACKAGE).parts) > 1
        for _, module in imported_modules(source)
        if app_of(module) in TOP_APPS
    }
    assert {(importer, imported) for importer, imported in importers if importer != imported} <= {("api", "insights")}
