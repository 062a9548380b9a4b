"""Demo data: `load_demo` (a small, truthful demo through the real ingest path, once) and
`seed_demo` (bulk rows for benchmarks: a million messages in minutes, via bulk inserts)."""

import random
import secrets
import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from crm.models import Contact, ContactIdentity
from inbox.models import Conversation, ConversationEvent, Inbox, Message
from inbox.provisioning import agent_create, inbox_create

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
KINDS = ["whatsapp", "messenger", "livechat"]
STATUSES = ["open"] * 3 + ["pending", "snoozed"] + ["resolved"] * 3 + ["closed"] * 2


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"+316{rng.randrange(10**7, 10**8)}"
    return f"+49151{rng.randrange(10**7, 10**8)}"


def seed_demo(
    *, conversations: int, messages_per_conversation: int, inboxes: int = 3, batch: int = 2000, progress=None
) -> dict:
    """Bulk-insert `conversations` conversations with `messages_per_conversation` messages each,
    consistent with the model's rules (one unclosed conversation per identity, unique ids)."""
    started = time.perf_counter()
    run = secrets.token_hex(4)
    rng = random.Random(run)
    seed_inboxes = [
        inbox_create(kind=KINDS[i % 3], name=f"Seed {run} {KINDS[i % 3]} {i + 1}", external_id=f"seed-{run}-{i}")
        for i in range(inboxes)
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
DEMO_AGENTS = [  # username, role, full name, inbox kinds
    ("anna", "agent", "Anna de Vries", ["whatsapp", "livechat", "email"]),
    ("ben", "agent", "Ben Müller", ["messenger", "livechat"]),
    ("lea", "lead", "Lea Jansen", []),
    ("admin", "admin", "Ada Admin", []),
]
DEMO_CUSTOMERS = [  # kind, external id, name, phone, texts
    ("whatsapp", "31612345678", "Sanne Bakker", "31612345678", ["Hoi! Waar blijft mijn bestelling 10234?"]),
    ("whatsapp", "4915123456789", "Jonas Weber", "4915123456789", ["Guten Tag, kann ich meine Lieferadresse ändern?"]),
    ("messenger", "demo-psid-1", "Emma Visser", "", ["Hallo, hebben jullie deze jas ook in maat M?"]),
    ("messenger", "demo-psid-2", "Oliver Smith", "", ["Hi, I was charged twice for order 5531."]),
    ("livechat", "demo-visitor-1", "Lena Schmidt", "+49 151 98765432", ["Hallo, wann öffnet der Laden morgen?"]),
    ("livechat", "demo-visitor-2", "", "", ["Do you ship to Belgium?", "And how long does it take?"]),
    ("livechat", "demo-visitor-3", "Daan Jansen", "06-12345678", ["Ik heb ook via WhatsApp geschreven, zelfde vraag."]),
]


def demo_exists() -> bool:
    return Inbox.objects.filter(config__demo=True).exists()


def load_demo() -> dict:
    """Create the demo once: an inbox of each kind, agents, a lead, an admin and customers
    whose messages go through the real ingest path. Safe to call on every start."""
    if demo_exists():
        return {"created": False, "logins": _logins()}
    from inbox.ingest import message_ingest
    from inbox.normalized import InboundMessage, SenderProfile

    with transaction.atomic():
        inboxes = {
            "whatsapp": inbox_create(
                kind="whatsapp",
                name="WhatsApp Klantenservice",
                external_id="demo-phone-number-id",
                credentials={"access_token": "demo", "app_secret": "demo", "verify_token": "demo"},
                config={"demo": True},
            ),
            "messenger": inbox_create(
                kind="messenger",
                name="Facebook Page",
                external_id="demo-page-id",
                credentials={"access_token": "demo", "app_secret": "demo", "verify_token": "demo"},
                config={"demo": True},
            ),
            "livechat": inbox_create(
                kind="livechat", name="Website chat", config={"demo": True, "allowed_origins": []}
            ),
            # Works offline: replies are written as files under MEDIA_ROOT/demo-mail, no mailbox is read.
            "email": inbox_create(
                kind="email",
                name="Support mail",
                external_id="support@webcare-demo.test",
                config={
                    "demo": True,
                    "address": "support@webcare-demo.test",
                    "company": "Webcare Demo",
                    "smtp_backend": "file",
                },
            ),
        }
        for username, role, name, kinds in DEMO_AGENTS:
            agent_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                name=name,
                inbox_ids=[inboxes[k].pk for k in kinds],
            )
        now = timezone.now()
        for n, (kind, external_id, name, phone, texts) in enumerate(DEMO_CUSTOMERS):
            for m, text in enumerate(texts):
                message_ingest(
                    inbox=inboxes[kind],
                    inbound=InboundMessage(
                        external_id=f"demo-{n}-{m}",
                        text=text,
                        sender=SenderProfile(
                            external_id=external_id,
                            display_name=name,
                            phone=phone,
                            details_verified=kind == "whatsapp",  # the wa_id; visitors type theirs
                        ),
                        timestamp=now - timedelta(minutes=5 * (len(DEMO_CUSTOMERS) - n) - m),
                    ),
                )
        _demo_email(inboxes["email"], now)
    return {"created": True, "logins": _logins()}


DEMO_EMAIL = """From: Pieter Jansen <p.jansen@bedrijf.example>
To: Webcare Demo <support@webcare-demo.test>
Cc: Sanne Bakker <s.bakker@bedrijf.example>
Subject: Factuur 2026-118 klopt niet
Message-ID: <demo-email-1@bedrijf.example>
Date: {date}
Content-Type: text/plain; charset=utf-8

Goedemorgen,

Op factuur 2026-118 staat een bedrag van € 249,00, maar volgens de offerte is het € 199,00.
Kunt u dit corrigeren?

Met vriendelijke groet,
Pieter Jansen

Op 30 nov. 2026 om 16:12 schreef Webcare Demo <support@webcare-demo.test>:
> Geachte heer Jansen,
>
> In de bijlage vindt u factuur 2026-118.
"""


def _demo_email(inbox, now) -> None:
    """One email through the email channel's own path: stored raw, then processed."""
    from email.utils import format_datetime

    from channels_email.services import raw_email_process, raw_email_store

    raw = DEMO_EMAIL.format(date=format_datetime(now - timedelta(minutes=50))).encode()
    row, _ = raw_email_store(inbox=inbox, raw=raw, source="simulated")
    raw_email_process(row.pk)


def _logins() -> list[dict]:
    return [{"username": u, "password": DEMO_PASSWORD, "role": r} for u, r, _, _ in DEMO_AGENTS]
