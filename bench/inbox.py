"""Server time of the agent inbox on a big database: the conversation list, a conversation and
a search, p50/p95 over many requests, with the SQL query count of each view.

In-process: Django's test Client against the real database (no network, no server), so the
figures are the view's own time: middleware, queries and template rendering. Not included:
opening the database connection (the test Client keeps one across requests, while the default
DB_CONN_MAX_AGE=0 opens one per request in a server) and the ASGI/WSGI layer. DEBUG=1 as the
other bench scripts (no collected static files needed). Seed once, then run (about 90 s):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/webcare_bench .venv/bin/python manage.py seed_demo \\
        --conversations 100000 --messages-per-conversation 10
    .venv/bin/python bench/inbox.py --database-url postgres://postgres@127.0.0.1:5432/webcare_bench

It writes a little into that database: a bench agent (member of two seeded inboxes) and a
bench lead, and it assigns every 50th conversation of the agent's inboxes to the agent (the
seed assigns none), so "Mine" has something to show. Without a seeded database (fewer than
--min-messages messages) it says so and exits 0, so `make bench` passes on a fresh machine.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import django_setup, percentile  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: DATABASE_URL, else the embedded SQLite")
    parser.add_argument("--repeat", type=int, default=200, help="timed requests per case (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first (default 20)")
    parser.add_argument("--min-messages", type=int, default=100_000, help="skip below this many messages")
    parser.add_argument("--only", default="", help="run the cases whose name contains this text")
    return parser.parse_args()


ARGS = parse_args()
django_setup(ARGS.database_url)

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import DatabaseError, connection  # noqa: E402
from django.test import Client  # noqa: E402

from crm.models import Contact  # noqa: E402
from inbox.models import Conversation, Inbox, Message  # noqa: E402
from inbox.provisioning import agent_create  # noqa: E402

BENCH_PASSWORD = "bench-only-password-1"  # noqa: S105 - a local benchmark user


def estimated_rows(model) -> int:
    if connection.vendor == "sqlite" and not Path(settings.DATABASES["default"]["NAME"]).exists():
        return 0  # do not create an empty database file just to find it empty
    if connection.vendor != "postgresql":
        try:
            return model.objects.count()
        except DatabaseError:  # not even migrated: nothing seeded either
            return 0
    with connection.cursor() as cursor:  # count(*) of a million rows is itself a benchmark
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        return max(cursor.fetchone()[0], 0)


def bench_users():
    User = get_user_model()
    seeded = list(Inbox.objects.filter(name__startswith="Seed ").order_by("-id")[:3])
    agent = User.objects.filter(username="bench-agent").first()
    if agent is None:
        agent = agent_create(
            username="bench-agent",
            password=BENCH_PASSWORD,
            role="agent",
            name="Bench Agent",
            inbox_ids=[i.pk for i in seeded[:2]],
        )
    lead = User.objects.filter(username="bench-lead").first() or agent_create(
        username="bench-lead", password=BENCH_PASSWORD, role="lead", name="Bench Lead", inbox_ids=[]
    )
    if not Conversation.objects.filter(assignee=agent).exists():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE inbox_conversation SET assignee_id = %s WHERE id %% 50 = 0 AND inbox_id = ANY(%s)",
                [agent.pk, [i.pk for i in seeded[:2]]],
            )
            cursor.execute("ANALYZE inbox_conversation")  # so the planner knows the agent has some
    return agent, lead


def cases(agent, lead):
    rng = random.Random(5)
    agent_inboxes = list(agent.inboxes.values_list("id", flat=True))
    # Open conversations in the agent's inboxes, spread over time: each timed request opens another.
    ids = list(Conversation.objects.filter(inbox_id__in=agent_inboxes).order_by("?").values_list("id", flat=True)[:500])
    phone = Contact.objects.filter(conversations__inbox_id__in=agent_inboxes).exclude(phone="").first().phone
    national = "0" + phone[3:] if phone.startswith("+31") else phone  # as an agent would type it
    conversation_urls = [f"/inbox/conversations/{i}/" for i in ids]
    yield "list: All (agent)", agent, lambda: "/inbox/list/?view=all"
    yield "list: All (lead, every inbox)", lead, lambda: "/inbox/list/?view=all"
    yield "list: Mine (agent)", agent, lambda: "/inbox/list/?view=mine"
    yield "list: Unassigned (agent)", agent, lambda: "/inbox/list/?view=unassigned"
    yield "list: oldest waiting first (agent)", agent, lambda: "/inbox/list/?sort=waiting"
    yield "list: oldest waiting first (lead)", lead, lambda: "/inbox/list/?sort=waiting"
    yield "list: All, page 5 (agent)", agent, lambda: "/inbox/list/?view=all&page=5"
    yield "inbox page / with a conversation (agent)", agent, lambda: f"/?c={rng.choice(ids)}"
    yield "conversation pane (agent)", agent, lambda: rng.choice(conversation_urls)
    yield "conversation pane (lead)", lead, lambda: rng.choice(conversation_urls)
    for words in ["bestelling", "waar blijft", "Bestellung", "order", "bedankt", "Müller", "xyzzy"]:
        yield f"search: {words!r} (agent)", agent, lambda words=words: f"/inbox/search/?q={words}"
    yield "search: 'bestelling' (lead)", lead, lambda: "/inbox/search/?q=bestelling"
    yield "search: 'Müller' (lead)", lead, lambda: "/inbox/search/?q=Müller"
    yield f"search: phone {national!r} (agent)", agent, lambda: f"/inbox/search/?q={national}"
    yield f"search: phone {national!r} (lead)", lead, lambda: f"/inbox/search/?q={national}"


def measure(client, next_url, *, repeat, warmup):
    for _ in range(warmup):
        assert client.get(next_url()).status_code == 200
    # Counted with an execute wrapper: the test Client's request_started signal empties the
    # debug query log that CaptureQueriesContext reads.
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)
    ):
        response = client.get(next_url())
    assert response.status_code == 200, response.status_code
    samples = []
    for _ in range(repeat):
        url = next_url()
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples, len(queries)


def main() -> None:
    messages = estimated_rows(Message)
    if messages < ARGS.min_messages:
        print(
            f"bench/inbox.py: skipped: {messages:,} messages in the {connection.vendor} database, fewer than "
            f"{ARGS.min_messages:,}. Seed it first: manage.py seed_demo --conversations 100000 "
            "--messages-per-conversation 10 (with the same DATABASE_URL)."
        )
        return
    agent, lead = bench_users()
    clients = {}
    for user in (agent, lead):
        clients[user.pk] = Client(HTTP_HOST="127.0.0.1")  # in the default ALLOWED_HOSTS
        clients[user.pk].force_login(user)
    version = connection.cursor().connection.info.server_version if connection.vendor == "postgresql" else ""
    print(
        f"database: {connection.vendor} {version}; {estimated_rows(Conversation):,} conversations, "
        f"{messages:,} messages, {estimated_rows(Contact):,} contacts, {Inbox.objects.count()} inboxes; "
        f"agent {agent.username} in {agent.inboxes.count()} inboxes with "
        f"{Conversation.objects.filter(assignee=agent, status='open').count()} open assigned; DEBUG={settings.DEBUG}"
    )
    print(f"{ARGS.repeat} timed requests per case after {ARGS.warmup} warm-up; in-process test Client\n")
    print(f"{'case':<46} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    slow = []
    for name, user, next_url in cases(agent, lead):
        if ARGS.only and ARGS.only not in name:
            continue
        samples, queries = measure(clients[user.pk], next_url, repeat=ARGS.repeat, warmup=ARGS.warmup)
        p95 = percentile(samples, 0.95)
        print(f"{name:<46} {statistics.median(samples):>8.1f} {p95:>8.1f} {max(samples):>8.1f} {queries:>8}")
        if p95 > 50:
            slow.append(name)
    print(f"\nover 50 ms at p95: {', '.join(slow) if slow else 'none'}")


if __name__ == "__main__":
    main()
