"""The import contracts that `make lint` checks name every view module.

import-linter's wildcards replace whole module names only, so the contracts list the view
modules by name; a new view module left off the lists would escape them silently.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def view_modules() -> set[str]:
    found = set()
    for app in ("foi_cases", "exemptions"):
        for path in (ROOT / app).iterdir():
            if path.stem.endswith("views") and (path.suffix == ".py" or path.is_dir()):
                found.add(f"{app}.{path.stem}")
    return found


def contracts_forbidding_views() -> dict[str, set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {
        contract["name"]: set(contract["forbidden_modules"])
        for contract in config["contracts"]
        if contract["type"] == "forbidden"
        and any(module.endswith("views") for module in contract["forbidden_modules"])
    }


def test_every_view_module_is_forbidden_to_models_and_workflow() -> None:
    contracts = contracts_forbidding_views()
    assert len(contracts) == 2
    modules = view_modules()
    assert "foi_cases.account_views" in modules
    for name, forbidden in contracts.items():
        assert modules <= forbidden, f"{name} does not name {sorted(modules - forbidden)}"
