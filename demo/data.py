"""Demo data: `load_demo` (the `make run` demo, once: inboxes of every channel that declares a
demo, agents, history, live customers) and `seed_demo` (bulk rows for benchmarks: a million
messages in minutes, via bulk inserts)."""

import random
import secrets
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from automation.models import InboxAutomation
from crm.models import Contact, ContactIdentity
from inbox import channel_registry
from inbox.ingest import message_ingest
from inbox.models import Conversation, ConversationEvent, Inbox, Message
from inbox.normalized import InboundMessage, PublicComment, SenderProfile
from inbox.provisioning import agent_create, inbox_create
from inbox.public import comment_ingest
from reporting.models import ServiceLevelSetting
from reporting.quality import quality_review_score, quality_reviews_draw
from reporting.services import reports_backfill, survey_setting_set

from .history import DAYS, history_create

FIRST_NAMES = [
    "Sanne",
    "Daan",
    "Emma",
    "Lucas",
    "Julia",
    "Max",
    "Sophie",
    "Finn",
    "Lena",
    "Jonas",
    "Olivia",
    "Noah",
    "Mila",
    "Liam",
    "Anna",
    "Ben",
    "Fleur",
    "Tim",
    "Hannah",
    "Paul",
]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Smith",
    "Jones",
    "van Dijk",
    "Meijer",
    "Weber",
    "Wagner",
    "Brown",
    "Peeters",
]
CUSTOMER_TEXTS = [
    "Hoi, waar blijft mijn bestelling?",
    "Kan ik mijn abonnement opzeggen?",
    "Mijn pakket is beschadigd aangekomen.",
    "Guten Tag, wann wird meine Bestellung geliefert?",
    "Ich möchte meine Adresse ändern.",
    "Hi, I was charged twice for my order.",
    "Do you ship to Belgium?",
    "Wat zijn jullie openingstijden?",
    "Danke für die schnelle Hilfe!",
    "Top service, bedankt!",
    "The app keeps crashing when I log in.",
]
AGENT_TEXTS = [
    "Dank voor je bericht! Ik zoek het voor je uit.",
    "Je bestelling is onderweg en komt morgen aan.",
    "Vielen Dank, wir kümmern uns darum.",
    "Thanks for reaching out, I've refunded the double charge.",
    "Kun je je ordernummer sturen?",
    "Gern geschehen!",
    "Is er nog iets anders waarmee ik kan helpen?",
]
STATUSES = ["open"] * 3 + ["pending", "snoozed"] + ["resolved"] * 3 + ["closed"] * 2


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"+316{rng.randrange(10**7, 10**8)}"
    return f"+49151{rng.randrange(10**7, 10**8)}"


def seed_demo(
    *, conversations: int, messages_per_conversation: int, inboxes: int | None = None, batch: int = 2000, progress=None
) -> dict:
    """Bulk-insert `conversations` conversations with `messages_per_conversation` messages each,
    consistent with the model's rules (one unclosed conversation per identity, unique ids),
    spread over `inboxes` inboxes that take the registered channels in turn (default: one per
    channel)."""
    started = time.perf_counter()
    run = secrets.token_hex(4)
    rng = random.Random(run)
    kinds = [channel.kind for channel in channel_registry.channels()]
    seed_inboxes = [
        inbox_create(
            kind=kinds[i % len(kinds)],
            name=f"Seed {run} {kinds[i % len(kinds)]} {i + 1}",
            external_id=f"seed-{run}-{i}",
        )
        for i in range(inboxes or len(kinds))
    ]
    done = 0
    while done < conversations:
        size = min(batch, conversations - done)
        with transaction.atomic():
            _seed_batch(rng, run, seed_inboxes, start=done, size=size, per_conversation=messages_per_conversation)
        done += size
        if progress:
            progress(done, conversations, time.perf_counter() - started)
    with connection.cursor() as cursor:
        # Fresh planner statistics: without them PostgreSQL misjudges the inbox queries
        # right after a bulk load (a bitmap scan + sort instead of walking the index).
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    return {
        "run": run,
        "conversations": conversations,
        "messages": conversations * messages_per_conversation,
        "seconds": round(seconds, 2),
        "messages_per_second": round(conversations * messages_per_conversation / seconds),
    }


def _seed_batch(rng, run, inboxes, *, start, size, per_conversation):
    now = timezone.now()
    contacts = Contact.objects.bulk_create(
        Contact(name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", phone=_phone(rng)) for _ in range(size)
    )
    inbox_of = [inboxes[(start + i) % len(inboxes)] for i in range(size)]
    identities = ContactIdentity.objects.bulk_create(
        ContactIdentity(contact=c, channel=inbox_of[i].kind, external_id=f"seed-{run}-{start + i}", display_name=c.name)
        for i, c in enumerate(contacts)
    )
    plans = []
    for i, identity in enumerate(identities):
        began = now - timedelta(days=rng.uniform(0, 90))
        step = timedelta(minutes=rng.uniform(1, 90))
        times = [began + step * j for j in range(per_conversation)]
        texts = [rng.choice(CUSTOMER_TEXTS if j % 2 == 0 else AGENT_TEXTS) for j in range(per_conversation)]
        plans.append((i, identity, times, texts, rng.choice(STATUSES)))
    rows = Conversation.objects.bulk_create(
        Conversation(
            inbox=inbox_of[i],
            contact_id=identity.contact_id,
            identity=identity,
            status=status,
            last_message_at=times[-1] if times else began,
            last_message_preview=texts[-1][:160] if texts else "",
            last_customer_message_at=max((t for j, t in enumerate(times) if j % 2 == 0), default=None),
            first_response_at=times[1] if per_conversation > 1 else None,
            resolved_at=times[-1] if status in ("resolved", "closed") and times else None,
            closed_at=times[-1] if status == "closed" and times else None,
        )
        for i, identity, times, texts, status in plans
    )
    messages, events = [], []
    for conversation, (i, _identity, times, texts, _status) in zip(rows, plans, strict=True):
        events.append(
            ConversationEvent(
                conversation=conversation,
                inbox_id=conversation.inbox_id,
                kind="created",
                created_at=times[0] if times else now,
            )
        )
        if per_conversation > 1:
            events.append(
                ConversationEvent(
                    conversation=conversation,
                    inbox_id=conversation.inbox_id,
                    kind="first_response",
                    created_at=times[1],
                )
            )
        for j, (at, text) in enumerate(zip(times, texts, strict=True)):
            inbound = j % 2 == 0
            messages.append(
                Message(
                    conversation=conversation,
                    inbox_id=conversation.inbox_id,
                    direction="in" if inbound else "out",
                    sender_type="contact" if inbound else "agent",
                    kind="text",
                    text=text,
                    external_id=f"seed-{run}-{start + i}-{j}",
                    sent_at=at,
                    status="delivered" if inbound else "read",
                )
            )
    Message.objects.bulk_create(messages, batch_size=5000)
    ConversationEvent.objects.bulk_create(events, batch_size=5000)


DEMO_PASSWORD = "webcare-demo"  # noqa: S105 - printed for the local demo on purpose
# Which inboxes each login works is declared by the channels (`ChannelDemo.members`); leads and
# admins see every inbox.
DEMO_AGENTS = [  # username, role, full name
    ("anna", "agent", "Anna de Vries"),
    ("ben", "agent", "Ben Müller"),
    ("noor", "agent", "Noor El Amrani"),
    ("lea", "lead", "Lea Jansen"),
    ("admin", "admin", "Ada Admin"),
]
DEMO_BUSINESS_HOURS = {
    **{day: [["09:00", "17:30"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [["10:00", "16:00"]],
    "sun": [],
}
# The demo inboxes take turns asking for CSAT and NPS, so both show on the dashboard.
DEMO_SURVEYS = ("csat", "nps")
QUALITY_WEEKS = 4  # weekly quality-review periods drawn (the current one left partly to score)


def demo_channels() -> list[channel_registry.Channel]:
    """The registered channels that declare a demo, in registration order."""
    return [channel for channel in channel_registry.channels() if channel.demo is not None]


def demo_exists() -> bool:
    return Inbox.objects.filter(demo=True).exists()


def load_demo(*, now=None, history: bool = True) -> dict:
    """Create the demo once: an inbox of each channel that declares one (on its simulated
    platform), agents, a lead and an admin, about ninety days of history rolled up by the real
    reporting code, quality reviews, and customers writing in now through the real ingest path.
    Safe to call on every start. Returns the logins, row counts and the seconds it took."""
    if demo_exists():
        return {"created": False, "logins": _logins()}
    started = time.perf_counter()
    now = now or timezone.now()
    with transaction.atomic():
        agents = _demo_agents_create()
        channels = [(_demo_inbox_create(channel, agents), channel.demo) for channel in demo_channels()]
        surveys = {}
        for n, (inbox, _demo) in enumerate(channels):
            surveys[inbox.pk] = DEMO_SURVEYS[n % len(DEMO_SURVEYS)]
            survey_setting_set(inbox=inbox, survey=surveys[inbox.pk], actor=None)
        counts = {}
        if history:
            workers = {u: agents[u] for u, role, _ in DEMO_AGENTS if role == "agent"}
            counts = history_create(
                channels=channels, agents=workers, lead=agents["lea"], survey_kinds=surveys, now=now
            )
    _live_customers_write(channels, now=now)
    if history:
        today = timezone.localdate(now)
        reports_backfill(start=today - timedelta(days=DAYS + 1), end=today, inbox_ids=[i.pk for i, _ in channels])
        counts["quality_reviews"] = _quality_reviews(reviewer=agents["lea"], today=today)
    return {
        "created": True,
        "logins": _logins(),
        "inboxes": [{"id": inbox.pk, "name": inbox.name, "kind": inbox.kind} for inbox, _ in channels],
        "rows": counts,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _demo_agents_create() -> dict:
    """The demo's logins. They share one password, so it is hashed once (a hash takes about a
    second of CPU on purpose)."""
    agents = {
        username: agent_create(username=username, password=None, role=role, name=name)
        for username, role, name in DEMO_AGENTS
    }
    get_user_model().objects.filter(pk__in=[user.pk for user in agents.values()]).update(
        password=make_password(DEMO_PASSWORD)
    )
    return agents


def _demo_inbox_create(channel: channel_registry.Channel, agents: dict) -> Inbox:
    demo = channel.demo
    inbox = inbox_create(
        kind=channel.kind,
        name=str(demo.inbox_name),
        external_id=demo.external_id,
        config=dict(demo.config or {}),
        members=[agents[username] for username in demo.members if username in agents],
        demo=True,
    )
    Inbox.objects.filter(pk=inbox.pk).update(business_hours=DEMO_BUSINESS_HOURS)
    inbox.business_hours = DEMO_BUSINESS_HOURS
    InboxAutomation.objects.update_or_create(inbox=inbox, defaults={"away_enabled": True})
    # Response clocks count business hours, as a team with opening hours measures itself (a
    # question sent at night is not an hour-long wait by the morning). Only the admin sets this.
    ServiceLevelSetting.objects.update_or_create(inbox=inbox, defaults={"business_hours_clock": True})
    return inbox


def _live_customers_write(channels, *, now) -> None:
    """The customers writing in right now, through the real ingest path (and its automation);
    a customer whose channel declares a post comments under it (a public conversation)."""
    for inbox, demo in channels:
        for n, customer in enumerate(demo.customers):
            sender = SenderProfile(
                external_id=customer.external_id,
                display_name=customer.name,
                phone=customer.phone,
                email=customer.email,
                locale=customer.language,
                details_verified=customer.verified,
            )
            for m, text in enumerate(customer.messages):
                at = now - timedelta(minutes=customer.minutes_ago) + timedelta(seconds=20 * m)
                if customer.post:
                    comment = PublicComment(
                        external_id=f"demo-comment-{n}-{m}", author=sender, timestamp=at, text=text, post=customer.post
                    )
                    comment_ingest(inbox=inbox, comment=comment)
                    continue
                message_ingest(
                    inbox=inbox,
                    inbound=InboundMessage(external_id=f"demo-live-{n}-{m}", text=text, sender=sender, timestamp=at),
                )


def _quality_reviews(*, reviewer, today) -> int:
    """Weekly quality reviews: earlier weeks scored by the lead, this week's partly left to do."""
    rng = random.Random("webcare-demo-quality")
    drawn = 0
    for week in range(QUALITY_WEEKS):
        end = today - timedelta(days=7 * week)
        reviews = quality_reviews_draw(start=end - timedelta(days=6), end=end)
        drawn += len(reviews)
        for n, review in enumerate(reviews):
            if week == 0 and n % 3:
                continue
            scores = {skill: rng.choices([5, 4, 3, 2], [35, 40, 18, 7])[0] for skill in review.SKILLS}
            comment = rng.choice(["", "Warm tone, clear next step.", "Could have offered the tracking link earlier."])
            quality_review_score(review=review, reviewer=reviewer, scores=scores, comment=comment)
    return drawn


def _logins() -> list[dict]:
    return [{"username": u, "password": DEMO_PASSWORD, "role": r} for u, r, _ in DEMO_AGENTS]
