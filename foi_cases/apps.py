from django.apps import AppConfig


class FoiCasesConfig(AppConfig):
    name = "foi_cases"
    verbose_name = "FOI cases"

    def ready(self) -> None:
        from foi_cases import (
            statistics,
            two_factor,  # noqa: F401  (notes at sign-in who has a device)
        )

        statistics.connect_reporting_receivers()
