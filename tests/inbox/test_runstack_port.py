"""`manage.py runstack --port N` without PUBLIC_URL: what the server hands out (the live-chat
snippet a lead pastes into the website, the setup address it prints) must name port N, or the
widget on the website loads from a port where nothing listens."""

import logging

import pytest

from inbox import first_run
from inbox.management.commands.runstack import public_url_for_port
from livechat.snippet import snippet_for
from tests.factories import make_inbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def default_port(settings, monkeypatch):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("CSRF_TRUSTED_ORIGINS", raising=False)
    monkeypatch.setenv("PORT", "8000")  # restored after the test whatever runstack sets
    settings.PORT = 8000
    settings.PUBLIC_URL = "http://127.0.0.1:8000"
    settings.CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1:8000"]
    return settings


def test_the_snippet_and_the_setup_address_name_the_port_the_server_listens_on(default_port, caplog):
    public_url_for_port(port=8766)

    inbox = make_inbox("livechat")
    assert 'src="http://127.0.0.1:8766/widget/' in snippet_for(inbox)
    with caplog.at_level(logging.WARNING, logger="inbox.first_run"):
        assert first_run.setup_token_announce()
    assert "http://127.0.0.1:8766/setup/" in caplog.text
    assert default_port.CSRF_TRUSTED_ORIGINS == ["http://127.0.0.1:8766"]


def test_a_public_url_that_was_set_is_kept(default_port, monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://care.example.com")
    default_port.PUBLIC_URL = "https://care.example.com"

    public_url_for_port(port=8766)

    assert 'src="https://care.example.com/widget/' in snippet_for(make_inbox("livechat"))
