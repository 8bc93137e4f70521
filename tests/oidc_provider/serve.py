"""Run the test identity provider: migrate its database, register the client, serve.

python -m tests.oidc_provider.serve PORT
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import get_application_model  # noqa: E402

call_command("migrate", verbosity=0)
get_application_model().objects.update_or_create(
    client_id=os.environ["OIDC_PROVIDER_CLIENT_ID"],
    defaults={
        "name": "FOI case manager",
        "client_secret": os.environ["OIDC_PROVIDER_CLIENT_SECRET"],
        "client_type": "confidential",
        "authorization_grant_type": "authorization-code",
        "redirect_uris": os.environ["OIDC_PROVIDER_REDIRECT_URIS"],
        "algorithm": "RS256",
        "skip_authorization": True,
    },
)
call_command("runserver", f"127.0.0.1:{sys.argv[1]}", use_reloader=False, use_threading=True)
