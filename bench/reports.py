"""Time of the report summary (GET /api/v1/reports/summary/) over a million messages.

Seed once (PostgreSQL), then run:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/webcare_rep_bench .venv/bin/python manage.py seed_demo \\
        --conversations 100000 --messages-per-conversation 10
    .venv/bin/python bench/reports.py --database-url postgres://postgres@127.0.0.1:5432/webcare_rep_bench

What it does to that database, once (it checks before doing it again):
- `seed_demo` writes agent replies without an author, no status changes, tags or surveys, so the
  bench gives the replies eight bench agents, adds a `status_changed` to resolved for the
  conversations seeded as resolved/closed (at their `resolved_at`), tags every 7th conversation
  and records a CSAT/NPS answer for every 5th resolved one. These are bench rows in inbox tables,
  written by the bench, never by the reporting app.
- `backfill_reports` over all days (timed: the first full roll-up, sentiment of every customer
  message included).
Then it times the summary (in-process `summary_compute` and through the API with the test
Client) for 7, 30 and 90 days, with and without filters: p50 and max of --repeat runs.
Without a seeded database (fewer than --min-messages messages) it says so and exits 0.
"""

import argparse
import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import django_setup  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else the embedded SQLite")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case (default 5)")
    parser.add_argument("--min-messages", type=int, default=900_000, help="skip below this many messages")
    parser.add_argument("--rebuild", action="store_true", help="run the full backfill again")
    return parser.parse_args()


ARGS = parse_args()
django_setup(ARGS.database_url)

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from inbox.models import Conversation, ConversationEvent, Inbox, Message, Tag  # noqa: E402
from inbox.provisioning import agent_create  # noqa: E402
from reporting.kpis import ReportFilter, summary_compute  # noqa: E402
from reporting.models import ConversationDay, MessageSentiment, ResponseFact, SurveyResponse  # noqa: E402
from reporting.services import reports_backfill  # noqa: E402

BENCH_PASSWORD = "bench-only-password-1"  # noqa: S105 - a local benchmark user
AGENTS = 8


def estimated_rows(model) -> int:
    if connection.vendor != "postgresql":
        return model.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        return max(cursor.fetchone()[0], 0)


def bench_agents() -> list:
    from django.contrib.auth import get_user_model

    users = []
    for n in range(AGENTS):
        username = f"bench-report-agent-{n}"
        user = get_user_model().objects.filter(username=username).first()
        users.append(user or agent_create(username=username, password=BENCH_PASSWORD, role="agent"))
    lead = get_user_model().objects.filter(username="bench-report-lead").first()
    lead = lead or agent_create(username="bench-report-lead", password=BENCH_PASSWORD, role="lead")
    return users, lead


def prepare(agents) -> dict:
    """Authors, resolutions, tags and surveys the seed does not write (once)."""
    if SurveyResponse.objects.exists():
        return {"prepared": "already"}
    started = time.perf_counter()
    ids = [a.pk for a in agents]
    message, event = Message._meta.db_table, ConversationEvent._meta.db_table
    conversation, survey = Conversation._meta.db_table, SurveyResponse._meta.db_table
    tags = Conversation.tags.through._meta.db_table
    question, _ = Tag.objects.get_or_create(name="question")
    complaint, _ = Tag.objects.get_or_create(name="complaint")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {message} SET author_id = (%s::int[])[1 + conversation_id %% {AGENTS}]"
            " WHERE direction = 'out' AND sender_type = 'agent' AND author_id IS NULL",
            [ids],
        )
        cursor.execute(
            f"UPDATE {conversation} SET assignee_id = (%s::int[])[1 + id %% {AGENTS}] WHERE assignee_id IS NULL",
            [ids],
        )
        cursor.execute(
            f"""INSERT INTO {event} (conversation_id, inbox_id, kind, actor_id, data, created_at)
            SELECT id, inbox_id, 'status_changed', assignee_id, '{{"from": "open", "to": "resolved"}}'::jsonb,
                resolved_at FROM {conversation} WHERE resolved_at IS NOT NULL"""
        )
        cursor.execute(
            f"INSERT INTO {tags} (conversation_id, tag_id) SELECT id, CASE WHEN id %% 2 = 0 THEN %s ELSE %s END"
            f" FROM {conversation} WHERE id %% 7 = 0",
            [question.pk, complaint.pk],
        )
        cursor.execute(
            f"""INSERT INTO {survey} (created_at, updated_at, conversation_id, inbox_id, kind, score, comment,
                agent_id, answered_at)
            SELECT now(), now(), id, inbox_id, CASE WHEN id %% 2 = 0 THEN 'csat' ELSE 'nps' END,
                CASE WHEN id %% 2 = 0 THEN 1 + (id / 10) %% 5 ELSE (id / 10) %% 11 END, '', assignee_id, resolved_at
            FROM {conversation} WHERE resolved_at IS NOT NULL AND id %% 5 = 0""",
            [],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"prepared_seconds": round(time.perf_counter() - started, 1)}


def timed(fn, repeat: int) -> dict:
    fn()  # warm the caches once
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return {"p50_ms": round(statistics.median(samples) * 1000), "max_ms": round(max(samples) * 1000)}


def api_get(client, params) -> dict:
    response = client.get("/api/v1/reports/summary/", params)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def main() -> int:
    messages = estimated_rows(Message)
    if messages < ARGS.min_messages:
        print(f"Only ~{messages:,} messages: seed first (see the docstring). Nothing timed.")
        print(json.dumps({"skipped": True, "messages": messages}))
        return 0
    agents, lead = bench_agents()
    figures = {"database": connection.vendor, "messages": Message.objects.count()}
    figures.update(prepare(agents))
    if ARGS.rebuild or not ConversationDay.objects.exists():
        result = reports_backfill()
        figures["backfill"] = result
        print(f"backfill: {result['days']} inbox-days in {result['seconds']} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    figures["rows"] = {
        "conversation_days": ConversationDay.objects.count(),
        "responses": ResponseFact.objects.count(),
        "sentiments": MessageSentiment.objects.count(),
    }
    today = timezone.localdate()
    inbox = Inbox.objects.filter(name__startswith="Seed").order_by("pk").first()
    cases = {
        "7 days": {},
        "30 days": {},
        "90 days": {},
        "90 days, channel": {"channel": "whatsapp"},
        "90 days, inbox": {"inbox": inbox.pk if inbox else None},
        "90 days, agent": {"agent": agents[0].pk},
        "90 days, tag": {"tag": "complaint"},
    }
    client = Client(HTTP_HOST="127.0.0.1")  # in ALLOWED_HOSTS by default
    client.force_login(lead)
    figures["summary"] = {}
    for name, extra in cases.items():
        days = int(name.split()[0])
        start = today - timedelta(days=days - 1)
        report_filter = ReportFilter(start=start, end=today, **extra)
        direct = timed(lambda f=report_filter: summary_compute(report_filter=f), ARGS.repeat)
        params = {"from": start.isoformat(), "to": today.isoformat(), **{k: v for k, v in extra.items() if v}}
        api = timed(lambda p=params: api_get(client, p), ARGS.repeat)
        figures["summary"][name] = {"compute": direct, "api": api}
        print(f"{name:<20} compute p50 {direct['p50_ms']:>5} ms max {direct['max_ms']:>5} ms | "
              f"API p50 {api['p50_ms']:>5} ms max {api['max_ms']:>5} ms")  # fmt: skip
    sample = api_get(client, {"from": (today - timedelta(days=89)).isoformat(), "to": today.isoformat()})
    figures["sample_90_days"] = {key: sample[key] for key in ("first_response", "resolution", "csat", "nps", "bots")}
    figures["sample_90_days"]["first_response"].pop("breaches", None)
    slowest = max(case["api"]["max_ms"] for case in figures["summary"].values())
    figures["under_2_seconds"] = slowest < 2000
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
