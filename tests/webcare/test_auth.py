"""Signing in: the standard Django auth pages for the browser (login, logout by POST,
password change), and for the REST API `Authorization: Token <key>` or the browser's session
(with its CSRF token for writes)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inbox.ingest import message_ingest
from inbox.models import Message
from tests.factories import inbound, make_inbox, make_token, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pw-secret-123"


@pytest.fixture
def anna():
    return make_user("anna", password=PASSWORD, inboxes=[make_inbox("livechat")])


@pytest.fixture
def conversation(anna):
    inbox = anna.inboxes.get()
    return message_ingest(inbox=inbox, inbound=inbound(sender_id="visitor-1")).message.conversation


# --- the browser's pages ---------------------------------------------------------------------


@pytest.mark.smoke
def test_the_login_page_has_the_standard_username_and_password_fields(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_username"' in page and 'id="id_password"' in page


@pytest.mark.smoke
def test_logging_in_redirects_to_the_inbox(client, anna):
    # when
    response = client.post("/accounts/login/", {"username": "anna", "password": PASSWORD})

    # then
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_logging_in_follows_next(client, anna):
    response = client.post("/accounts/login/?next=/inbox/list/", {"username": "anna", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/inbox/list/"


def test_a_wrong_password_stays_on_the_login_page_logged_out(client, anna):
    # when
    response = client.post("/accounts/login/", {"username": "anna", "password": "guess"})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get("/").status_code == 302


def test_an_inactive_user_cannot_log_in(client, anna):
    anna.is_active = False
    anna.save()

    response = client.post("/accounts/login/", {"username": "anna", "password": PASSWORD})

    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_logout_is_a_post_that_ends_the_session(client, anna):
    # given
    client.force_login(anna)

    # when
    by_get = client.get("/accounts/logout/")
    still_in = client.get("/").status_code
    by_post = client.post("/accounts/logout/")

    # then
    assert by_get.status_code == 405
    assert still_in == 200
    assert by_post.status_code == 302
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_the_password_change_page_requires_login(client):
    response = client.get("/accounts/password_change/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/password_change/")


def test_a_logged_in_user_changes_their_password(client, anna):
    # given
    client.force_login(anna)
    assert client.get("/accounts/password_change/").status_code == 200

    # when
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "a-new-Passw0rd!", "new_password2": "a-new-Passw0rd!"},
    )

    # then
    assert response.status_code == 302 and response["Location"] == "/accounts/password_change/done/"
    client.post("/accounts/logout/")
    assert client.login(username="anna", password="a-new-Passw0rd!")
    assert not client.login(username="anna", password=PASSWORD)


# --- the REST API ------------------------------------------------------------------------------


@pytest.mark.smoke
def test_a_valid_token_authenticates_api_requests(api_client, anna, conversation):
    # given
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(anna)}")

    # when
    response = api_client.get("/api/v1/conversations/")

    # then
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [conversation.pk]


@pytest.mark.smoke
@pytest.mark.parametrize("header", [None, "Token", "Token not-a-real-token", "Bearer {key}", "Token {key}x"])
def test_a_missing_or_invalid_token_is_unauthorized(api_client, anna, header):
    # given
    key = make_token(anna)
    if header:
        api_client.credentials(HTTP_AUTHORIZATION=header.format(key=key))

    # when
    response = api_client.get("/api/v1/conversations/")

    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_deleted_token_no_longer_works(api_client, anna):
    key = make_token(anna)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/conversations/").status_code == 200

    Token.objects.filter(key=key).delete()

    assert api_client.get("/api/v1/conversations/").status_code == 401


@pytest.mark.smoke
def test_the_browsers_session_authenticates_api_requests(client, anna, conversation):
    # given: a login through the real login form
    client.post("/accounts/login/", {"username": "anna", "password": PASSWORD})

    # when
    response = client.get("/api/v1/conversations/")

    # then
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [conversation.pk]


def test_session_api_writes_need_the_csrf_token(anna, conversation, django_capture_on_commit_callbacks):
    # given: a browser that logged in through the form, with CSRF checks on as in real life
    browser = APIClient(enforce_csrf_checks=True)
    browser.get("/accounts/login/")
    login = browser.post(
        "/accounts/login/",
        {"username": "anna", "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
    )
    assert login.status_code == 302
    url = f"/api/v1/conversations/{conversation.pk}/messages/"

    # when
    forged = browser.post(url, {"text": "from another site"}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        genuine = browser.post(
            url, {"text": "from the inbox"}, format="json", HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value
        )

    # then
    assert forged.status_code == 403
    assert genuine.status_code == 201
    assert list(Message.objects.filter(direction="out").values_list("text", flat=True)) == ["from the inbox"]


def test_token_api_writes_need_no_csrf_token(anna, conversation, django_capture_on_commit_callbacks):
    # given: a script, not a browser
    script = APIClient(enforce_csrf_checks=True)
    script.credentials(HTTP_AUTHORIZATION=f"Token {make_token(anna)}")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = script.post(f"/api/v1/conversations/{conversation.pk}/messages/", {"text": "hi"}, format="json")

    # then
    assert response.status_code == 201
    assert Message.objects.get(pk=response.json()["id"]).author == anna


def test_a_session_of_a_user_who_was_deactivated_is_unauthorized(client, anna):
    client.force_login(anna)
    anna.is_active = False
    anna.save()

    assert client.get("/api/v1/conversations/").status_code == 401
    assert client.get("/")["Location"].startswith("/accounts/login/")
