"""The configuration says what runs: the beat schedule names real tasks."""

from __future__ import annotations

import ast
import inspect

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
