from django.apps import AppConfig


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
