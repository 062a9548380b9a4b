"""Ninety days of a webcare team's work for the demo, written in bulk (a few seconds, not the
minutes a message-by-message replay through ingest would take) and rolled up by the real
reporting roll-up, so every figure of the dashboard is true of what the inbox shows.

What a history is made of follows what the live code writes: the same messages (customer, agent,
bot), events (created, assigned, first response, status changes, reopens, tags; not the
per-message events, which nothing reads back and which would double the rows), survey requests,
questions, answers and responses, availability periods and quality reviews. Conversations follow
a working week (Mondays are busiest, weekends quiet, most questions in office hours); outside
business hours the bot answers first, sometimes well enough that no person is needed. Which
channels take part, their customers' ids and what they ask come from each channel's
`ChannelDemo` in the channel registry.
"""

import contextlib
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from crm.models import Contact, ContactIdentity
from inbox import business_hours
from inbox.channel_registry import ChannelDemo, DemoPerson
from inbox.models import AvailabilityPeriod, Conversation, ConversationEvent, Inbox, Message, Tag
from reporting.models import SurveyMessage, SurveyRequest, SurveyResponse

from . import texts

DAYS = 90
# Conversations a day on a weekday of an average channel (weights scale it per channel).
BASE_PER_DAY = 3.2
WEEKDAY_FACTOR = (1.35, 1.15, 1.05, 1.0, 0.9, 0.45, 0.3)  # Monday .. Sunday
# When customers write (local hour -> relative weight): office hours, a lunch dip, evenings.
HOUR_WEIGHTS = [0.1, 0.05, 0.03, 0.03, 0.05, 0.1, 0.3, 0.8, 1.6, 2.4, 2.6, 2.3, 1.6, 2.0, 2.3, 2.1, 1.8, 1.3, 0.9,
                0.9, 1.0, 0.8, 0.5, 0.25]  # fmt: skip
LANGUAGES = (("nl", 0.55), ("de", 0.25), ("en", 0.2))
TAG_COLOURS = {
    "order": "#2563eb",
    "delivery": "#0891b2",
    "returns": "#7c3aed",
    "payment": "#ca8a04",
    "complaint": "#dc2626",
    "product": "#16a34a",
    "account": "#64748b",
    "lead": "#db2777",
}
CLOSED_AFTER = timedelta(days=7)  # resolved conversations are archived (closed) after a week


@dataclass
class _Message:
    at: datetime
    direction: str
    sender_type: str
    text: str
    author: object = None
    kind: str = "text"
    content: dict = field(default_factory=dict)
    survey_role: str = ""
    row: Message | None = None


@dataclass
class _Event:
    at: datetime
    kind: str
    data: dict = field(default_factory=dict)
    actor: object = None
    message: _Message | None = None  # its id goes into data["message_id"] once stored


@dataclass
class _Survey:
    kind: str
    language: str
    sent_at: datetime
    answered_at: datetime | None
    score: int | None
    comment: str


@dataclass
class _Conversation:
    inbox: Inbox
    person: DemoPerson
    started: datetime
    language: str
    messages: list = field(default_factory=list)
    events: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    status: str = "open"
    assignee: object = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    survey: _Survey | None = None


@contextlib.contextmanager
def _own_timestamps(*model_classes):
    """Let bulk_create keep the `created_at` we give (history happened in the past)."""
    fields = [m._meta.get_field("created_at") for m in model_classes]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


class _Writer:
    """Plans one inbox's conversations, day by day."""

    def __init__(self, *, rng: random.Random, now: datetime, agents: dict, lead, people: "_People") -> None:
        self.rng, self.now, self.agents, self.lead, self.people = rng, now, agents, lead, people

    def conversations(self, inbox: Inbox, demo: ChannelDemo, survey_kind: str) -> list[_Conversation]:
        zone = business_hours.inbox_zone(inbox)
        today = self.now.astimezone(zone).date()
        members = [self.agents[name] for name in demo.members if name in self.agents] or list(self.agents.values())
        planned = []
        for back in range(DAYS, -1, -1):
            day = today - timedelta(days=back)
            growth = 0.8 + 0.4 * (DAYS - back) / DAYS  # a slowly growing team
            mean = BASE_PER_DAY * demo.weight * WEEKDAY_FACTOR[day.weekday()] * growth
            for _ in range(self._poisson(mean)):
                hour = self.rng.choices(range(24), HOUR_WEIGHTS)[0]
                started = datetime.combine(day, time(hour, self.rng.randrange(60), self.rng.randrange(60)), zone)
                if started > self.now - timedelta(minutes=40):
                    continue  # today's last minutes belong to the live conversations
                conversation = self._conversation(inbox, demo, started, members, survey_kind)
                if self._in_the_past(conversation):
                    planned.append(conversation)
        return planned

    def _in_the_past(self, c: _Conversation) -> bool:
        """Whether all of it has happened by now (a question of this morning may still wait for
        the inbox to open): the rest is left out, not written into the future."""
        latest = max([m.at for m in c.messages] + [e.at for e in c.events])
        return latest < self.now - timedelta(minutes=1)

    def _poisson(self, mean: float) -> int:
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def _conversation(self, inbox, demo, started, members, survey_kind) -> _Conversation:
        rng = self.rng
        language = rng.choices([code for code, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
        person = self.people.new(language)
        c = _Conversation(inbox=inbox, person=person, started=started, language=language)
        question = texts.fill(rng.choice(demo.questions.get(language) or demo.questions["en"]), rng)
        c.tags = texts.tags_for(question, rng)
        c.events.append(_Event(started, "created"))
        self._customer(c, started, question)
        if rng.random() < 0.3:
            self._customer(c, started + timedelta(seconds=rng.randint(20, 120)), texts.pick("detail", language, rng))
        at = c.messages[-1].at
        agent = self.lead if rng.random() < 0.06 else rng.choice(members)
        if not business_hours.is_open(inbox, at):
            at = self._bot_first(c, at)
            if at is None:
                return self._finish(c, survey_kind, by=None)
        c.assignee = agent
        wait = self._first_wait(inbox.first_response_target_seconds)
        reply_at = max(at + timedelta(seconds=wait), c.messages[-1].at + timedelta(seconds=20))
        taken = reply_at - timedelta(seconds=rng.randint(5, 60))
        actor = agent if rng.random() < 0.5 else None  # taken by the agent, or assigned automatically
        c.events.append(_Event(taken, "assigned", {"from": None, "to": agent.pk}, actor=actor))
        for text in c.tags:
            c.events.append(_Event(reply_at - timedelta(seconds=2), "tag_added", {"tag": text}, actor=agent))
        self._reply(c, reply_at, texts.pick("answer", language, rng), agent)
        at = reply_at
        if rng.random() < 0.6:  # the customer asks on, the agent answers again
            at = self._customer(c, at + timedelta(minutes=rng.uniform(2, 90)), texts.pick("follow_up", language, rng))
            at = self._reply(
                c, at + timedelta(seconds=rng.uniform(40, 900)), texts.pick("answer", language, rng), agent
            )
        if rng.random() < 0.5:
            at = self._customer(c, at + timedelta(minutes=rng.uniform(1, 30)), texts.pick("thanks", language, rng))
        return self._finish(c, survey_kind, by=agent)

    def _first_wait(self, target: int) -> float:
        """Seconds to a first response: mostly well within the inbox's target, sometimes over."""
        if self.rng.random() < 0.14:
            return target * self.rng.uniform(1.1, 3.0)
        return max(15.0, target * min(0.95, self.rng.lognormvariate(-1.6, 0.7)))

    def _bot_first(self, c: _Conversation, at: datetime) -> datetime | None:
        """Out of hours the bot answers; a quarter need nobody else (None), the rest are
        taken over once the inbox opens (returns when the wait for a person starts)."""
        rng = self.rng
        bot_at = at + timedelta(seconds=rng.randint(2, 8))
        if rng.random() < 0.25:
            self._bot(c, bot_at, texts.pick("bot_answer", c.language, rng))
            self._customer(c, bot_at + timedelta(minutes=rng.uniform(1, 10)), texts.pick("thanks", c.language, rng))
            return None
        self._bot(c, bot_at, texts.pick("bot_away", c.language, rng))
        opens = business_hours.next_open(c.inbox, bot_at) or bot_at
        pickup = rng.uniform(0.1, 1.3) * c.inbox.first_response_target_seconds  # the morning queue
        return max(opens, bot_at) + timedelta(seconds=pickup)

    def _finish(self, c: _Conversation, survey_kind: str, *, by) -> _Conversation:
        rng, last = self.rng, c.messages[-1].at
        if self.now - last < timedelta(hours=30) and by is not None and rng.random() < 0.35:
            c.status = "pending"  # waiting on the customer
            c.events.append(
                _Event(last + timedelta(seconds=5), "status_changed", {"from": "open", "to": "pending"}, by)
            )
            return c
        resolved = last + timedelta(minutes=rng.uniform(1, 45) if by else rng.uniform(0.2, 2))
        resolved = min(resolved, self.now - timedelta(minutes=1))
        self._resolve(c, resolved, by)
        if by is not None and rng.random() < 0.09 and self.now - resolved > timedelta(days=2):
            # The customer comes back: reopened, answered and resolved again.
            back = resolved + timedelta(hours=rng.uniform(3, 40))
            c.status = "open"
            c.events.append(_Event(back, "reopened", {"from": "resolved", "to": "open", "reason": "customer_message"}))
            self._customer(c, back, texts.pick("reopen", c.language, rng))
            again = self._reply(
                c, back + timedelta(seconds=self._first_wait(1800)), texts.pick("answer", c.language, rng), by
            )
            self._resolve(c, again + timedelta(minutes=rng.uniform(2, 30)), by)
        if survey_kind and by is not None and rng.random() < 0.55:
            self._survey(c, survey_kind)
        if self.now - c.resolved_at > CLOSED_AFTER:
            c.closed_at = c.resolved_at + CLOSED_AFTER
            c.status = "closed"
            c.events.append(_Event(c.closed_at, "status_changed", {"from": "resolved", "to": "closed"}))
        return c

    def _resolve(self, c: _Conversation, at: datetime, by) -> None:
        c.events.append(_Event(at, "status_changed", {"from": c.status, "to": "resolved"}, by))
        c.status, c.resolved_at = "resolved", at

    def _survey(self, c: _Conversation, kind: str) -> None:
        rng, sent = self.rng, c.resolved_at + timedelta(seconds=2)
        self._bot(c, sent, texts.pick(f"survey_{kind}", c.language, rng), survey_role="question", kind="interactive",
                  content={"survey": {"kind": kind}})  # fmt: skip
        c.survey = _Survey(kind=kind, language=c.language, sent_at=sent, answered_at=None, score=None, comment="")
        if rng.random() > 0.6:
            return
        score = texts.survey_score(kind, rng)
        answered = sent + timedelta(minutes=rng.uniform(1, 120))
        if answered > self.now - timedelta(minutes=2):
            return  # not answered yet
        c.survey.answered_at, c.survey.score = answered, score
        self._customer(c, answered, str(score), survey_role="answer")
        if rng.random() < 0.35:
            c.survey.comment = texts.survey_comment(kind, score, c.language, rng)

    def _customer(self, c, at, text, *, survey_role="") -> datetime:
        c.messages.append(_Message(at, "in", "contact", text, survey_role=survey_role))
        return at

    def _bot(self, c, at, text, *, survey_role="", kind="text", content=None) -> datetime:
        c.messages.append(_Message(at, "out", "bot", text, kind=kind, content=content or {}, survey_role=survey_role))
        return at

    def _reply(self, c, at, text, agent) -> datetime:
        c.messages.append(_Message(at, "out", "agent", texts.signed(text, agent), author=agent))
        if c.first_response_at is None:
            c.first_response_at = at
            c.events.append(_Event(at, "first_response", actor=agent, message=c.messages[-1]))
        return at


class _People:
    """Made-up customers, numbered so each channel can derive its ids from the number."""

    def __init__(self, rng: random.Random, start: int = 1000) -> None:
        self.rng, self.number = rng, start

    def new(self, language: str) -> DemoPerson:
        self.number += 1
        first, last = texts.name(language, self.rng)
        local = f"{first}.{last}".lower().replace(" ", "").replace("ü", "ue").replace("ö", "oe")
        return DemoPerson(
            number=self.number,
            name=f"{first} {last}",
            phone=texts.phone(language, self.number),
            email=f"{local}{self.number}@example.com",  # the number keeps namesakes apart
            language=language,
        )


def history_create(*, channels: list[tuple[Inbox, ChannelDemo]], agents: dict, lead, survey_kinds: dict,
                   now: datetime | None = None, seed: str = "webcare-demo") -> dict:  # fmt: skip
    """Write the history of the demo inboxes (`channels`: each inbox with its channel's demo);
    `agents` by username, `survey_kinds` by inbox id. Returns row counts."""
    now = now or timezone.now()
    rng = random.Random(seed)
    writer = _Writer(rng=rng, now=now, agents=agents, lead=lead, people=_People(rng))
    planned = []
    for inbox, demo in channels:
        planned += writer.conversations(inbox, demo, survey_kinds.get(inbox.pk, ""))
    with _own_timestamps(Contact, ContactIdentity, Conversation, Message, SurveyRequest, SurveyResponse):
        counts = _store(planned, {inbox.pk: demo for inbox, demo in channels})
    counts["availability_periods"] = _availability(list(agents.values()) + [lead], now=now, rng=rng)
    return counts


def _store(planned: list[_Conversation], demos: dict) -> dict:
    contacts = Contact.objects.bulk_create(
        Contact(name=c.person.name, locale=c.language, created_at=c.started, **_details(c, demos)) for c in planned
    )
    identities = ContactIdentity.objects.bulk_create(
        ContactIdentity(
            contact=contact,
            channel=c.inbox.kind,
            external_id=demos[c.inbox.pk].identity(c.person).external_id,
            display_name=c.person.name,
            created_at=c.started,
        )
        for c, contact in zip(planned, contacts, strict=True)
    )
    rows = Conversation.objects.bulk_create(_conversation_row(c, i) for c, i in zip(planned, identities, strict=True))
    messages = []
    for c, row in zip(planned, rows, strict=True):
        for n, m in enumerate(c.messages):
            m.row = Message(
                conversation=row, inbox_id=row.inbox_id, direction=m.direction, sender_type=m.sender_type,
                author=m.author, kind=m.kind, text=m.text, content=m.content,
                external_id=f"demo-history-{row.pk}-{n}", sent_at=m.at, created_at=m.at,
                status="delivered" if m.direction == "in" else "read", status_at=m.at,
            )  # fmt: skip
            messages.append(m.row)
    Message.objects.bulk_create(messages, batch_size=2000)
    events = [
        ConversationEvent(
            conversation=row,
            inbox_id=row.inbox_id,
            kind=e.kind,
            actor=e.actor,
            created_at=e.at,
            data={**e.data, "message_id": e.message.row.pk} if e.message else e.data,
        )  # fmt: skip
        for c, row in zip(planned, rows, strict=True)
        for e in sorted(c.events, key=lambda e: e.at)
    ]
    ConversationEvent.objects.bulk_create(events, batch_size=2000)
    _tags_store(planned, rows)
    surveys = _surveys_store(planned, rows)
    return {
        "conversations": len(rows),
        "messages": len(messages),
        "events": len(events),
        "contacts": len(contacts),
        "survey_responses": surveys,
    }


def _details(c: _Conversation, demos: dict) -> dict:
    identity = demos[c.inbox.pk].identity(c.person)
    return {"phone": identity.phone, "email": identity.email}


def _conversation_row(c: _Conversation, identity) -> Conversation:
    public = [m for m in c.messages if not m.survey_role or m.survey_role == "question"]
    last = c.messages[-1]
    customer = [m.at for m in c.messages if m.direction == "in"]
    csat = c.survey.score if c.survey and c.survey.kind == "csat" else None
    return Conversation(
        inbox=c.inbox, contact_id=identity.contact_id, identity=identity, status=c.status, assignee=c.assignee,
        last_message_at=last.at, last_message_preview=" ".join((public or [last])[-1].text.split())[:160],
        last_customer_message_at=max(customer), first_response_at=c.first_response_at, resolved_at=c.resolved_at,
        closed_at=c.closed_at, csat_score=csat, created_at=c.started, agent_last_seen_at=last.at,
    )  # fmt: skip


def _tags_store(planned, rows) -> None:
    names = sorted({name for c in planned for name in c.tags})
    for name in names:
        Tag.objects.get_or_create(name=name, defaults={"color": TAG_COLOURS.get(name, "#64748b")})
    tags = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
    through = Conversation.tags.through
    through.objects.bulk_create(
        through(conversation_id=row.pk, tag_id=tags[name])
        for c, row in zip(planned, rows, strict=True)
        for name in c.tags
    )


def _surveys_store(planned, rows) -> int:
    asked = [(c, row) for c, row in zip(planned, rows, strict=True) if c.survey]
    requests = SurveyRequest.objects.bulk_create(
        SurveyRequest(
            conversation=row,
            inbox_id=row.inbox_id,
            kind=c.survey.kind,
            language=c.survey.language,
            sent_at=c.survey.sent_at,
            answered_at=c.survey.answered_at,
            created_at=c.survey.sent_at,
        )  # fmt: skip
        for c, row in asked
    )
    SurveyMessage.objects.bulk_create(
        SurveyMessage(message=m.row, request=request, role=m.survey_role)
        for (c, _row), request in zip(asked, requests, strict=True)
        for m in c.messages
        if m.survey_role
    )
    answers = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            conversation=row,
            inbox_id=row.inbox_id,
            kind=c.survey.kind,
            score=c.survey.score,
            comment=c.survey.comment,
            agent=c.assignee,
            answered_at=c.survey.answered_at,
            message=next(m.row for m in c.messages if m.survey_role == "answer"),
            created_at=c.survey.answered_at,
        )  # fmt: skip
        for c, row in asked
        if c.survey.score is not None
    )
    return len(answers)


def _availability(agents: list, *, now: datetime, rng: random.Random) -> int:
    """Status periods in office hours: agents mostly Online, now and then Away, Offline at night
    (closed periods only: the agent's current status is the live one)."""
    zone = timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    periods = []
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for agent in agents:
            lead = getattr(getattr(agent, "agent_profile", None), "role", "") == "lead"
            for hour in range(9, 17):
                if lead and rng.random() < 0.6:
                    continue  # a lead is in the inbox part of the day
                state = "away" if rng.random() < 0.12 else "online"
                start = datetime.combine(day, time(hour, 0), zone)
                periods.append(
                    AvailabilityPeriod(
                        user=agent, availability=state, started_at=start, ended_at=start + timedelta(hours=1)
                    )
                )
    AvailabilityPeriod.objects.bulk_create(periods, batch_size=2000)
    return len(periods)
