"""`GET /healthz` (docs/api.md): 200 `{"status": "ok"}` when the database and the
channel layer answer, 503 naming the part that does not. Failures are real ones: a Redis
port nobody listens on, a database server that refuses the connection."""

import pytest
from django.db import connection

from webcare import views

pytestmark = pytest.mark.django_db

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"  # port 1: nothing listens, the connect is refused


@pytest.fixture
def fresh_redis_client(monkeypatch):
    """The view keeps one Redis client per process; make it connect anew (and put the old one
    back afterwards, so a client for a closed port never outlives the test)."""
    monkeypatch.setattr(views, "_redis_client", None)


@pytest.mark.smoke
@pytest.mark.parametrize("path", ["/healthz", "/healthz/"])
def test_healthz_is_ok_when_database_and_channel_layer_answer(client, fresh_redis_client, path):
    # when: against whatever this run uses (SQLite + in-memory layer, or PostgreSQL + Redis)
    response = client.get(path)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response.json()["checks"] == {"database": True, "channel_layer": True}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.smoke
def test_healthz_names_the_channel_layer_when_redis_is_unreachable(client, settings, fresh_redis_client):
    # given
    settings.REDIS_URL = CLOSED_PORT_REDIS

    # when
    response = client.get("/healthz")

    # then
    assert response.status_code == 503
    body = response.json()
    assert body["status"] != "ok"
    assert body["failing"] == ["channel_layer"]


@pytest.mark.django_db(transaction=True)
def test_healthz_names_the_database_when_the_server_refuses_connections(client, on_postgres, database_down):
    # given: the next connection goes to a port nobody listens on
    # (a transactional test: there is no test transaction to keep open on this connection)
    down, up = database_down
    down()

    # when
    response = client.get("/healthz")
    up()

    # then
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert client.get("/healthz").status_code == 200  # and it recovers with the database


def test_healthz_names_the_database_when_every_statement_fails(client):
    # The embedded SQLite test database lives in memory and cannot be disconnected without
    # losing it, so here the failure is injected at the driver boundary: every statement on
    # this connection raises the driver's own OperationalError (our code runs unchanged).
    def refuse(execute, sql, params, many, context):
        raise connection.Database.OperationalError("server closed the connection unexpectedly")

    # when
    with connection.execute_wrapper(refuse):
        response = client.get("/healthz")

    # then
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


def test_healthz_names_both_when_both_fail(client, settings, fresh_redis_client):
    settings.REDIS_URL = CLOSED_PORT_REDIS

    def refuse(execute, sql, params, many, context):
        raise connection.Database.OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["database", "channel_layer"]


def test_the_site_has_a_favicon_at_the_address_browsers_ask_for(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an icon file
