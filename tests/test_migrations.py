"""Migrations carry their own frozen data and never import application code.

A migration that imports `exemptions.catalogue` or `foi_cases.statistics` changes meaning when
that code changes, so a fresh database and an upgraded one drift apart. The catalogue test below
is the other half: frozen migrations must still end at the catalogue the code describes, so a
change to `exemptions/catalogue/` needs a migration that carries it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as live_apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from exemptions.models import Exemption, ReasoningTemplate
from exemptions.seed import load_all

ROOT = Path(__file__).resolve().parent.parent
MIGRATION_FILES = sorted(
    path
    for config in live_apps.get_app_configs()
    # The project's own apps: a virtualenv inside the checkout holds installed apps too.
    if Path(config.path).is_relative_to(ROOT) and "site-packages" not in Path(config.path).parts
    for path in (Path(config.path) / "migrations").glob("*.py")
)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Each absolute module a file imports, with its line (relative imports stay in the package)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


# Callables a field names (a default, upload_to, a validator) are written into the migration as
# references by makemigrations, and Django requires them to stay importable; replacing one with
# a local copy would make makemigrations see a changed field. The migration runs no code of
# theirs itself, so these references are the one exception, each listed.
FIELD_REFERENCES = {
    # LetterSettings.authority_name's default reads settings.AUTHORITY_NAME.
    ("foi_cases/migrations/0005_letters.py", "foi_cases.models"),
}


def allowed(module: str, migrations_package: str) -> bool:
    top = module.split(".")[0]
    return (
        top == "django"
        or top in sys.stdlib_module_names
        or module == migrations_package
        or module.startswith(migrations_package + ".")
    )


def test_the_project_has_migrations_to_check():
    apps_with_migrations = {path.parent.parent.name for path in MIGRATION_FILES}
    assert {"foi_cases", "exemptions"} <= apps_with_migrations


@pytest.mark.parametrize("path", MIGRATION_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_migration_imports_only_django_the_standard_library_and_its_package(path):
    package = ".".join(path.parent.relative_to(ROOT).parts)
    application_imports = [
        f"line {line}: {module}"
        for line, module in imported_modules(path)
        if not allowed(module, package)
        and (str(path.relative_to(ROOT)), module) not in FIELD_REFERENCES
    ]
    assert not application_imports, (
        f"{path.relative_to(ROOT)} imports application code; freeze the data or SQL it needs "
        f"in the migration instead: {application_imports}"
    )


def test_the_import_check_catches_application_code(tmp_path):
    migration = tmp_path / "0099_example.py"
    migration.write_text(
        "import json\n"
        "from django.db import migrations\n"
        "from . import helpers\n"
        "def seed(apps, schema_editor):\n"
        "    from exemptions.seed import load_all\n"
        "import foi_cases.statistics\n"
    )
    rejected = [
        module
        for _, module in imported_modules(migration)
        if not allowed(module, "exemptions.migrations")
    ]
    assert sorted(rejected) == ["exemptions.seed", "foi_cases.statistics"]


def catalogue_rows() -> list[dict[str, Any]]:
    exemptions = list(
        Exemption.objects.order_by("position", "code").values(
            "regime",
            "code",
            "section",
            "short_name",
            "kind",
            "test_type",
            "limbs",
            "ncnd_provisions",
            "absolute_for_parliament",
            "government_only",
            "mp_security_relevant",
            "guidance",
            "active",
            "position",
        )
    )
    templates = list(
        ReasoningTemplate.objects.order_by("exemption__code", "topic_slug", "title").values(
            "exemption__code", "topic_slug", "title", "kind", "target", "active",
            "versions__number", "versions__text",
        )
    )  # fmt: skip
    return exemptions + templates


def run_exemptions_data_migrations() -> None:
    """Run every exemptions data migration, in order, over the models as they were then."""
    loader = MigrationLoader(connection)
    plan = loader.graph.forwards_plan(loader.graph.leaf_nodes("exemptions")[0])
    with connection.schema_editor(atomic=False) as schema_editor:
        for app_label, name in plan:
            if app_label != "exemptions":
                continue
            state = loader.project_state((app_label, name), at_end=False)
            for operation in loader.graph.nodes[app_label, name].operations:
                if isinstance(operation, RunPython):
                    operation.code(state.apps, schema_editor)
                else:
                    operation.state_forwards(app_label, state)


@pytest.mark.django_db
def test_the_frozen_migrations_end_at_the_catalogue_the_code_describes():
    ReasoningTemplate.objects.all().delete()
    Exemption.objects.all().delete()
    load_all()
    from_code = catalogue_rows()
    ReasoningTemplate.objects.all().delete()
    Exemption.objects.all().delete()

    run_exemptions_data_migrations()

    assert from_code
    assert catalogue_rows() == from_code
