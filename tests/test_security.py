import datetime as dt
import os
import subprocess
import sys

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD
from tests.services import REPO_ROOT

PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "9f8e7d6c5b4a3928171615141312111009080706050403",
    "ALLOWED_HOSTS": "foi.example.org",
    "DATABASE_URL": "postgres://foi@127.0.0.1:5432/foi",
    "SECURE_SSL_REDIRECT": "1",
}


def run_django(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    unwanted = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, *code.split()]
        if code.startswith("manage.py")
        else [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = run_django("manage.py check --deploy --fail-level WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_hash_passwords_with_argon2_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.PASSWORD_HASHERS[0], s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = run_django(code, **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "True", "True", "True", "Lax", "True",
    ]  # fmt: skip


@pytest.mark.django_db
def test_every_page_sends_security_headers_and_a_csp_without_inline_script(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_contain_no_inline_script(client, officer):
    client.force_login(officer)
    for url in (reverse("login"), reverse("home")):
        html = client.get(url, follow=True).content.decode()
        for tag in html.split("<script")[1:]:
            assert "src=" in tag.split(">", 1)[0], f"inline script on {url}"


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "olivia", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "olivia", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_session_expires_after_inactivity(client, officer, settings, monkeypatch):
    from django.contrib.sessions.models import Session

    from foi_cases import account_sessions

    clock = [1_000_000.0]
    monkeypatch.setattr(account_sessions, "_now", lambda: clock[0])
    client.force_login(officer)
    client.get(reverse("home"))
    key = client.session.session_key
    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE <= 60 * 60
    first = Session.objects.get(session_key=key).expire_date

    # Within the refresh interval a page writes nothing; after it, use moves the expiry on.
    clock[0] += settings.SESSION_REFRESH_SECONDS - 1
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date == first
    clock[0] += 1
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > first

    # An expired session is not honoured: the person is asked to sign in again.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(reverse("home")).status_code == 302
