"""The configuration says what it does: the beat schedule names real tasks, the README's
Settings table names every environment variable the service reads."""

from __future__ import annotations

import ast
import inspect
import re

from django.conf import settings

from config.celery import app
from tests.services import REPO_ROOT

SETTINGS_FILE = REPO_ROOT / "config" / "settings.py"
SCHEDULE = "CELERY_BEAT_SCHEDULE"


def registered_tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    return dict(app.tasks)


def test_every_beat_entry_names_a_registered_task_it_can_call():
    tasks = registered_tasks()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule
    unknown = sorted(entry["task"] for entry in schedule.values() if entry["task"] not in tasks)
    assert not unknown, f"the beat schedule names tasks Celery does not know: {unknown}"
    for name, entry in schedule.items():
        signature = inspect.signature(tasks[entry["task"]].run)
        # Raises TypeError, failing the test, if beat would call the task with the wrong arguments.
        signature.bind(*entry.get("args", ()), **entry.get("kwargs", {}))
        assert entry["schedule"], name


def test_a_misspelt_task_is_not_registered():
    assert "foi_cases.tasks.requeue_pending_letters" in registered_tasks()
    assert "foi_cases.tasks.requeue_pending_letter" not in registered_tasks()


def test_the_schedule_is_one_literal_in_the_settings_module():
    module = ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))
    writes = []
    for node in ast.walk(module):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            writes += [ast.unparse(target) for target in targets if SCHEDULE in ast.unparse(target)]
        elif isinstance(node, ast.Call) and ast.unparse(node.func).startswith(f"{SCHEDULE}."):
            writes.append(ast.unparse(node.func))
    assert writes == [SCHEDULE]
    (literal,) = [
        node.value
        for node in module.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == SCHEDULE
    ]
    assert isinstance(literal, ast.Dict)


# --- Every environment variable in the README's Settings table ----------------------------------

# Where the service reads its environment: every package but the tests and the benchmarks, which
# read more (CI, CHROMIUM_PATH, BENCH_CASES…) for their own runs only.
SERVICE_CODE = [
    init.parent
    for init in REPO_ROOT.glob("*/__init__.py")
    if init.parent.name not in {"tests", "benchmarks"}
]
# The settings module's readers, each taking the variable's name first.
ENV_READERS = {"env", "env_bool", "env_int", "env_list", "env_secret"}
README = REPO_ROOT / "README.md"
BACKTICKED_NAME = re.compile(r"`([A-Z][A-Z0-9_]*)`")


def variables_read(source: str) -> set[str]:
    """Environment variables a module reads by name (os.environ, os.getenv, the env* helpers)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        elif isinstance(node, ast.Call) and node.args:
            function = ast.unparse(node.func)
            if function not in ENV_READERS | {"os.environ.get", "os.getenv"}:
                continue
            key = node.args[0]
            if function == "env_secret" and isinstance(key, ast.Constant):
                names.add(f"{key.value}_FILE")
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "dj_database_url.config":
            # dj_database_url reads DATABASE_URL unless told another name.
            named = [keyword.value for keyword in node.keywords if keyword.arg == "env"]
            key = named[0] if named else ast.Constant("DATABASE_URL")
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names


def service_variables() -> set[str]:
    return set().union(
        *(
            variables_read(path.read_text(encoding="utf-8"))
            for folder in SERVICE_CODE
            for path in folder.rglob("*.py")
            if "migrations" not in path.parts
        )
    )


def readme_settings_rows(text: str) -> list[list[str]]:
    """The cells of each row of the table under "## Settings"."""
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [
        [cell.strip() for cell in row.strip().strip("|").split(" | ")]
        for row in rows[2:]  # the header and its rule
    ]


def readme_variables(text: str) -> set[str]:
    return {name for row in readme_settings_rows(text) for name in BACKTICKED_NAME.findall(row[0])}


def test_the_settings_read_the_variables_the_check_looks_for():
    assert {"config", "foi_cases", "exemptions"} <= {folder.name for folder in SERVICE_CODE}
    found = service_variables()
    assert {"SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "REDIS_URL", "REMINDER_HOUR"} <= found
    assert "DJANGO_SETTINGS_MODULE" not in found  # set by the entry points, not read as a setting


def test_the_reader_finds_every_way_of_reading_the_environment():
    source = (
        "import os\n"
        "A = os.environ['A']\n"
        "B = os.environ.get('B', '')\n"
        "C = os.getenv('C')\n"
        "D = env_int('D', 1)\n"
        "E = env_secret('E')\n"
        "F = dj_database_url.config(default='sqlite://')\n"
        "G = dj_database_url.config(env='REPLICA_URL')\n"
        "os.environ.setdefault('NOT_READ', 'x')\n"
    )
    assert variables_read(source) == {
        "A",
        "B",
        "C",
        "D",
        "E",
        "E_FILE",
        "DATABASE_URL",
        "REPLICA_URL",
    }


def test_every_environment_variable_the_service_reads_is_in_the_readme_table():
    documented = readme_variables(README.read_text(encoding="utf-8"))
    missing = sorted(service_variables() - documented)
    assert not missing, f"add these to the README's Settings table: {missing}"


def test_the_readme_table_documents_only_variables_the_service_reads():
    stale = sorted(readme_variables(README.read_text(encoding="utf-8")) - service_variables())
    assert not stale, f"the README's Settings table lists variables nothing reads: {stale}"


def test_every_readme_settings_row_gives_a_default_and_a_meaning():
    rows = readme_settings_rows(README.read_text(encoding="utf-8"))
    assert len(rows) > 10
    incomplete = [row for row in rows if len(row) != 3 or not all(row)]
    assert not incomplete
