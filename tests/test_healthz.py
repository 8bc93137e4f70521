import pytest
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_is_public_and_reports_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "eager"}


def test_healthz_reports_broker_down_with_503(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"].startswith("unavailable")
    assert body["database"] == "ok"


def test_healthz_reports_database_down_with_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", refuse)
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"].startswith("unavailable")


@pytest.mark.redis
def test_healthz_sees_the_real_redis(client):
    assert client.get(reverse("healthz")).json()["broker"] == "ok"
