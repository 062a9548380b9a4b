import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.mark.parametrize(
    "language, heading",
    [("nl", "Inloggen bij Webcare"), ("de", "Bei Webcare anmelden"), ("en", "Log in to Webcare")],
)
def test_the_ui_follows_the_browser_language(client, language, heading):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert heading in page
    assert f'lang="{language}"' in page
