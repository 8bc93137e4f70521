"""Start the test identity provider as a subprocess on a free port, with a fresh RSA key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent.parent
CLIENT_ID = "foi-case-manager"
CLIENT_SECRET = "test-client-secret-for-the-foi-case-manager"


@dataclass
class Provider:
    url: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def settings(self) -> dict[str, str]:
        """The service's OIDC_* settings pointing at this provider."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/o/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/o/token/",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/o/userinfo/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/o/.well-known/jwks.json",
            "OIDC_OP_ISSUER": self.issuer,
        }

    def put_user(self, username: str, *, groups: list[str], **fields: object) -> None:
        """Create or change a person at the provider (password: "password")."""
        body = {"username": username, "email": f"{username}@example.org", "groups": groups}
        response = requests.post(f"{self.url}/fixture/user/", json={**body, **fields}, timeout=10)
        response.raise_for_status()

    def allow_redirect_uri(self, uri: str) -> None:
        response = requests.post(f"{self.url}/fixture/redirect-uri/", data={"uri": uri}, timeout=10)
        response.raise_for_status()

    def signed_in_browser(self, username: str) -> requests.Session:
        """A browser session signed in at the provider, as a person who signed in there earlier."""
        browser = requests.Session()
        login = f"{self.url}/accounts/login/"
        browser.get(login, timeout=10).raise_for_status()
        response = browser.post(
            login,
            data={
                "username": username,
                "password": "password",
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                "next": "/o/userinfo/",
            },
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, f"{username} could not sign in at the provider"
        return browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@contextmanager
def running_provider(workdir: Path, *, redirect_uris: list[str]) -> Iterator[Provider]:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(workdir / "provider.sqlite3"),
        "OIDC_PROVIDER_RSA_KEY": _private_key_pem(),
        "OIDC_PROVIDER_CLIENT_ID": CLIENT_ID,
        "OIDC_PROVIDER_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_PROVIDER_REDIRECT_URIS": " ".join(redirect_uris),
    }
    log = (workdir / "provider.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    provider = Provider(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{provider.issuer}/.well-known/jwks.json", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The test provider did not start: {workdir / 'provider.log'}")
            time.sleep(0.2)
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
