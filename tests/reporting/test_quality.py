"""Quality review: a reproducible draw of three conversations per agent and period, leads
score hard and soft skills, agents read only their own reviews, averages over time."""

from datetime import date

import pytest
from django.test import Client

from reporting.models import QualityReview
from reporting.quality import quality_averages, quality_draw, quality_reviews_draw
from reporting.rollup import inbox_day_rollup
from tests.factories import make_inbox, make_user

from .conftest import ams

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

WEEK = {"period": "custom", "from": "2026-03-30", "to": "2026-04-05"}
SCORES = {"knowledge": "4", "goal_reached": "5", "tone_of_voice": "3", "analysis": "4", "empathy": "2"}


@pytest.fixture
def week(timeline):
    """Anna replied in five conversations that week, Ben in two; rolled up."""
    inbox = make_inbox("whatsapp", time_zone="Europe/Amsterdam")
    anna, ben = make_user("anna", inboxes=[inbox]), make_user("ben", inboxes=[inbox])
    for n in range(5):
        talk = timeline(inbox).created(ams(2026, 3, 31, 9, n))
        talk.customer(ams(2026, 3, 31, 9, n), "Waar is <b>mijn</b> pakket?")
        talk.agent(ams(2026, 3, 31, 10, n), anna)
    for n in range(2):
        talk = timeline(inbox).created(ams(2026, 4, 1, 9, n))
        talk.customer(ams(2026, 4, 1, 9, n))
        talk.agent(ams(2026, 4, 1, 10, n), ben)
    for day in (date(2026, 3, 31), date(2026, 4, 1)):
        inbox_day_rollup(inbox=inbox, day=day, now=ams(2026, 4, 6, 0, 0))
    return anna, ben


def test_the_draw_is_three_per_agent_and_the_same_every_time(week):
    anna, ben = week
    first = quality_reviews_draw(start=date(2026, 3, 30), end=date(2026, 4, 5))
    picked = {(r.agent_id, r.conversation_id) for r in first}
    assert sum(1 for r in first if r.agent == anna) == 3 and sum(1 for r in first if r.agent == ben) == 2
    QualityReview.objects.all().delete()
    again = quality_reviews_draw(start=date(2026, 3, 30), end=date(2026, 4, 5))
    assert {(r.agent_id, r.conversation_id) for r in again} == picked
    assert len(quality_reviews_draw(start=date(2026, 3, 30), end=date(2026, 4, 5))) == 5  # no second draw


def test_the_seed_is_period_and_agent():
    pool = list(range(1, 40))
    one = quality_draw(agent_id=7, start=date(2026, 3, 30), end=date(2026, 4, 5), candidates=pool)
    assert one == quality_draw(agent_id=7, start=date(2026, 3, 30), end=date(2026, 4, 5), candidates=pool[::-1])
    assert one != quality_draw(agent_id=8, start=date(2026, 3, 30), end=date(2026, 4, 5), candidates=pool)
    assert one != quality_draw(agent_id=7, start=date(2026, 4, 6), end=date(2026, 4, 12), candidates=pool)


def test_a_lead_draws_scores_and_reads_the_averages(week):
    anna, _ = week
    lead = Client(enforce_csrf_checks=True)
    lead.force_login(make_user("lea", role="lead"))
    assert lead.get("/reports/quality/", WEEK).status_code == 200
    # without the CSRF token the draw is refused
    assert lead.post("/reports/quality/draw/", WEEK).status_code == 403
    token = lead.get("/reports/quality/", WEEK).context["csrf_token"]
    assert lead.post("/reports/quality/draw/", {**WEEK, "csrfmiddlewaretoken": token}).status_code == 302
    review = QualityReview.objects.filter(agent=anna).first()
    form = lead.get(f"/reports/quality/{review.pk}/")
    html = form.content.decode()
    assert "Waar is &lt;b&gt;mijn&lt;/b&gt; pakket?" in html and "<b>mijn</b>" not in html
    bad = lead.post(f"/reports/quality/{review.pk}/", {**SCORES, "empathy": "9", "csrfmiddlewaretoken": token})
    assert bad.status_code == 400
    saved = lead.post(
        f"/reports/quality/{review.pk}/", {**SCORES, "comment": "Goed <i>uitgelegd</i>", "csrfmiddlewaretoken": token}
    )
    assert saved.status_code == 302
    review.refresh_from_db()
    assert (review.knowledge, review.empathy, review.comment) == (4, 2, "Goed <i>uitgelegd</i>")
    [average] = quality_averages()
    assert average["reviews"] == 1 and average["hard"] == 4.5 and average["soft"] == 3.0
    assert "4.5" in lead.get("/reports/quality/", WEEK).content.decode()


def test_agents_see_only_their_own_scored_reviews_and_cannot_review(week, client):
    anna, ben = week
    quality_reviews_draw(start=date(2026, 3, 30), end=date(2026, 4, 5))
    mine = QualityReview.objects.filter(agent=anna).first()
    QualityReview.objects.filter(pk=mine.pk).update(
        **{k: int(v) for k, v in SCORES.items()}, comment="Let op <script>x</script>", reviewed_at=ams(2026, 4, 7, 9)
    )
    client.force_login(anna)
    html = client.get("/reports/my-reviews/").content.decode()
    assert f"#{mine.conversation_id}" in html and "&lt;script&gt;" in html and "<script>x" not in html
    assert client.get("/reports/quality/").status_code == 403
    assert client.get(f"/reports/quality/{mine.pk}/").status_code == 403
    client.force_login(ben)
    assert f"#{mine.conversation_id}<" not in client.get("/reports/my-reviews/").content.decode()


def test_the_quality_review_names_agents_and_customers_as_people_know_them(week, client):
    # given Anna with a full name, one of her reviews scored, and its customer known by email only
    anna, _ben = week
    anna.first_name, anna.last_name = "Anna", "de Vries"
    anna.save()
    quality_reviews_draw(start=date(2026, 3, 30), end=date(2026, 4, 5))
    review = QualityReview.objects.filter(agent=anna).first()
    QualityReview.objects.filter(pk=review.pk).update(
        **{k: int(v) for k, v in SCORES.items()}, reviewed_at=ams(2026, 4, 7, 9)
    )
    review.conversation.contact.__class__.objects.filter(pk=review.conversation.contact_id).update(
        name="", email="klant@example.nl"
    )
    # when a lead opens the review overview
    client.force_login(make_user("lea", role="lead"))
    page = client.get("/reports/quality/", WEEK).content.decode()
    # then the per-agent averages and the list name Anna by her name, not her login, and the
    # customer by the display-name rule
    averages = page.split('data-testid="quality-agent-averages"', 1)[1].split("</table>", 1)[0]
    assert "Anna de Vries" in averages and ">anna<" not in averages
    assert "klant@example.nl" in page
