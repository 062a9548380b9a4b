import pytest

from reporting.models import ServiceLevelSetting
from tests.factories import make_inbox

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_an_admin_turns_the_business_hours_clock_on(admin_client):
    inbox = make_inbox("livechat")
    response = admin_client.post(
        "/admin/reporting/servicelevelsetting/add/", {"inbox": inbox.pk, "business_hours_clock": "on"}
    )
    assert response.status_code == 302
    assert ServiceLevelSetting.objects.get(inbox=inbox).business_hours_clock is True
    assert admin_client.get("/admin/reporting/servicelevelsetting/").status_code == 200
    assert admin_client.get("/admin/reporting/surveyresponse/").status_code == 200
