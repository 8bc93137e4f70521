from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def fill_day_rows(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Give a database holding cases but no day rows its day rows, after `migrate`.

    The day rows (`reporting.daily`) came after the cases; working days taken need the
    holiday calendar, which a migration may not import, so they are derived here, once.
    """
    from foi_cases.models import Case, DailyReceipts
    from foi_cases.reporting import daily

    if DailyReceipts._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before them
    cases, rows = Case.objects.using(using), DailyReceipts.objects.using(using)
    if cases.exists() and not rows.exists():
        daily.refresh(None)


class FoiCasesConfig(AppConfig):
    name = "foi_cases"
    verbose_name = "FOI cases"

    def ready(self) -> None:
        from foi_cases import (
            account_sessions,  # noqa: F401  (indexes sessions at sign-in, forgets at sign-out)
            single_sign_on,  # noqa: F401  (registers the check of OIDC_ROLE_MAP)
            tasks,  # noqa: F401  (registers the Celery tasks by name, for the outbox to send)
            two_factor,  # noqa: F401  (notes at sign-in who has a device)
        )

        post_migrate.connect(fill_day_rows, sender=self)
