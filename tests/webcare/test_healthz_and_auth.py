import pytest
from django.db import connection

from tests.factories import make_user
from webcare import views

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_healthz_is_ok_when_database_and_channel_layer_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_names_an_unreachable_redis(client, settings, monkeypatch):
    # a real connection attempt to a closed port, not a mock
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setattr(views, "_redis_client", None)
    response = client.get("/healthz")
    monkeypatch.setattr(views, "_redis_client", None)
    assert response.status_code == 503
    assert response.json()["failing"] == ["channel_layer"]


def test_healthz_names_a_failing_database(client, monkeypatch):
    # A real failure of the database driver: every statement on this connection raises.
    def refuse(execute, sql, params, many, context):
        raise connection.Database.OperationalError("server closed the connection")

    with connection.execute_wrapper(refuse):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "database" in response.json()["failing"]


@pytest.mark.smoke
def test_login_page_has_the_standard_fields_and_logs_in(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'id="id_username"' in page and 'id="id_password"' in page
    make_user("anna", password="pw-secret-123")
    response = client.post("/accounts/login/", {"username": "anna", "password": "pw-secret-123"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_stays_on_the_login_page(client):
    make_user("anna", password="pw-secret-123")
    response = client.post("/accounts/login/", {"username": "anna", "password": "guess"})
    assert response.status_code == 200 and b"didn" in response.content


def test_logout_is_a_post_and_password_change_needs_login(client):
    user = make_user("anna")
    client.force_login(user)
    assert client.get("/accounts/password_change/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
