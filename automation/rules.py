"""Leads' rules (when / if / then) and the preparatory tags every conversation gets.

Rules run by position. Each runs in its own savepoint: a rule that fails (a bad regex, a
deleted team, a refused reply) is rolled back and logged as failed, and the next rule, the
bot and the message itself carry on. Every rule that fires is logged on the conversation
(`RuleRun`).
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from inbox import business_hours, replies
from inbox import services as inbox_services
from inbox.models import CannedResponse, Conversation, ConversationEvent, EventKind, Message, SenderType, Team
from inbox.public import COMMENT_KINDS, CommentModerationRefused, comment_moderate, private_reply_send
from kernel.tasks import enqueue_on_commit
from reporting.sentiment import sentiment_analyse
from reporting.surveys import survey_send

from .language import language_detect
from .models import Rule, RuleRun, RuleRunOutcome
from .state import batch_memo

logger = logging.getLogger(__name__)


class RuleBroken(Exception):
    """A rule refers to something that does not exist or cannot be done."""


@dataclass
class RuleContext:
    conversation: Conversation
    trigger: str
    message: Message | None = None
    at: datetime | None = None
    cache: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return (self.message.text or "") if self.message else ""

    @property
    def language(self) -> str:
        if "language" not in self.cache:
            self.cache["language"] = language_detect(self.text) if self.text else ""
        return self.cache["language"]

    @property
    def sentiment(self) -> str:
        if "sentiment" not in self.cache:
            self.cache["sentiment"] = sentiment_analyse(self.text).label if self.text else "neutral"
        return self.cache["sentiment"]


def _condition_holds(condition: dict, ctx: RuleContext) -> bool:
    name, value = condition.get("field"), condition.get("value")
    conversation = ctx.conversation
    if name == "channel":
        return conversation.inbox.kind == value
    if name == "inbox":
        return str(conversation.inbox_id) == str(value)
    if name == "text":
        if condition.get("op") == "matches":
            return re.search(str(value), ctx.text, re.IGNORECASE) is not None  # re.error -> rule fails
        return str(value).lower() in ctx.text.lower()
    if name == "language":
        return ctx.language == value
    if name == "sentiment":
        return ctx.sentiment == value
    if name == "contact_attribute":
        return str(conversation.contact.attributes.get(condition.get("key", ""), "")) == str(value)
    if name == "tag":
        return conversation.tags.filter(name=str(value).lower()).exists()
    if name == "business_hours":
        inside = business_hours.is_open(conversation.inbox, ctx.at)
        return inside if value == "inside" else not inside
    if name == "public":
        return conversation.public == (str(value).lower() == "yes")
    if name == "post":
        return conversation.public and _post_is(conversation, str(value))
    raise RuleBroken(f"Unknown condition '{name}'.")


def _post_is(conversation: Conversation, wanted: str) -> bool:
    """A post named by its id or by its permalink (with or without the trailing slash)."""
    wanted = wanted.strip()
    permalink = str(conversation.source.get("permalink") or "")
    return wanted == conversation.thread_key or (bool(permalink) and wanted.rstrip("/") == permalink.rstrip("/"))


def _comment_hide(ctx: RuleContext) -> str:
    """Hiding calls the platform, so it runs after the rule's transaction commits (in a task)."""
    from .tasks import comment_hide_task  # tasks import this module

    message = ctx.message
    if message is None or not ctx.conversation.public or message.kind not in COMMENT_KINDS:
        raise RuleBroken("hide_comment needs a customer's comment in a public conversation.")
    enqueue_on_commit(comment_hide_task, message.pk, inline_if_broker_down=comment_hide)
    return "hide_comment"


def _reply_privately(value, conversation: Conversation) -> str:
    """Meta's private reply to the customer's latest comment: a canned answer by its shortcut,
    else the words given; it goes out in the person's direct conversation, as the bot."""
    canned = CannedResponse.objects.filter(shortcut=str(value).lstrip("/")).first()
    text = canned.text if canned else str(value)
    private_reply_send(conversation=conversation, author=None, text=text, sender_type=SenderType.BOT)
    return f"reply_privately:{value}"


def comment_hide(message_id: int) -> bool:
    """Hide a customer's comment a rule asked to hide; False (logged) when the platform refused
    or it is no longer a comment that can be hidden."""
    message = Message.objects.select_related("conversation__inbox").filter(pk=message_id).first()
    if message is None or message.content.get("hidden"):
        return False
    try:
        comment_moderate(message=message, action="hide", actor=None)
    except CommentModerationRefused as refused:
        logger.warning("rule could not hide comment %s: %s", message_id, refused)
        return False
    return True


def _action_apply(action: dict, ctx: RuleContext) -> str:
    kind, value = action.get("type"), action.get("value")
    conversation = Conversation.objects.get(pk=ctx.conversation.pk)
    if kind == "add_tag":
        names = set(conversation.tags.values_list("name", flat=True)) | {str(value)}
        inbox_services.conversation_update(conversation=conversation, actor=None, tags=names)
    elif kind == "assign_team":
        team = Team.objects.filter(pk=value).first()
        if team is None:
            raise RuleBroken(f"No team {value}.")
        inbox_services.conversation_update(conversation=conversation, actor=None, team=team)
    elif kind == "assign_agent":
        agent = get_user_model().objects.filter(pk=value, is_active=True).first()
        if agent is None:
            raise RuleBroken(f"No agent {value}.")
        inbox_services.conversation_update(conversation=conversation, actor=None, assignee=agent)
    elif kind == "set_priority":
        inbox_services.conversation_update(conversation=conversation, actor=None, priority=value)
    elif kind == "send_canned":
        canned = CannedResponse.objects.filter(shortcut=value).first()
        if canned is None:
            raise RuleBroken(f"No canned response /{value}.")
        replies.reply_send(conversation=conversation, author=None, text=canned.text, sender_type=SenderType.BOT)
    elif kind == "send_survey":
        if str(value) not in ("csat", "nps"):
            raise RuleBroken(f"Survey must be csat or nps, not '{value}'.")
        if survey_send(conversation.pk, kind=str(value)) is None:
            return f"{kind}:{value} (not sent: not resolved, asked before, or outside the window)"
    elif kind == "hide_comment":
        return _comment_hide(ctx)
    elif kind == "reply_privately":
        return _reply_privately(value, conversation)
    elif kind == "add_note":
        replies.reply_send(
            conversation=conversation, author=None, text=str(value), private=True, sender_type=SenderType.BOT
        )
    else:
        raise RuleBroken(f"Unknown action '{kind}'.")
    return f"{kind}:{value}"


def rules_enabled(inbox_id: int, trigger: str) -> list[Rule]:
    """The enabled rules of `trigger` for the inbox (its own and every inbox's), in order. The
    rules of every trigger are read together: a new conversation's first message asks for two."""

    def load() -> dict[str, list[Rule]]:
        rules = Rule.objects.filter(enabled=True).filter(Q(inbox__isnull=True) | Q(inbox_id=inbox_id))
        by_trigger: dict[str, list[Rule]] = {}
        for rule in rules.order_by("position", "pk"):
            by_trigger.setdefault(rule.trigger, []).append(rule)
        return by_trigger

    return batch_memo(("rules", inbox_id), load).get(trigger, [])


def rules_run(ctx: RuleContext, rules: list[Rule] | None = None) -> list[RuleRun]:
    """Run the enabled rules of the trigger for the conversation's inbox, in order (`rules`:
    those rules, when the caller has already read them)."""
    conversation = ctx.conversation
    runs = []
    for rule in rules_enabled(conversation.inbox_id, ctx.trigger) if rules is None else rules:
        done: list[str] = []
        try:
            with transaction.atomic():
                if not all(_condition_holds(c, ctx) for c in rule.conditions or []):
                    continue
                for action in rule.actions or []:
                    done.append(_action_apply(action, ctx))
            outcome, error = RuleRunOutcome.APPLIED, ""
        except Exception as broken:  # a broken rule is logged and skipped, never fatal
            logger.warning("rule %s failed on conversation %s: %s", rule.pk, conversation.pk, broken)
            outcome, error, done = RuleRunOutcome.FAILED, f"{type(broken).__name__}: {broken}", []
        runs.append(
            RuleRun.objects.create(
                rule=rule,
                rule_name=rule.name,
                conversation=conversation,
                message=ctx.message,
                trigger=ctx.trigger,
                outcome=outcome,
                actions_done=done,
                error=error,
            )
        )
    return runs


# --- Preparatory tags -------------------------------------------------------------------------
QUESTION_WORDS = re.compile(
    r"^\s*(wat|wanneer|waar|hoe|waarom|welke|kan|kunnen|is|zijn|heeft|hebben|was|wann|wo|wie|warum|welche|"
    r"kann|können|ist|sind|gibt|haben|what|when|where|how|why|which|can|could|do|does|is|are|will|would)\b",
    re.IGNORECASE,
)
COMPLAINT_WORDS = re.compile(
    r"(klacht|boos|teleurgesteld|kapot|beschadigd|belachelijk|schandalig|beschwer|enttäuscht|kaputt|"
    r"beschädigt|unverschämt|complain|complaint|angry|disappointed|broken|damaged|unacceptable|refund)",
    re.IGNORECASE,
)
LEAD_WORDS = re.compile(
    r"(offerte|prijsopgave|kopen|bestellen|abonnement|interesse|angebot|kaufen|bestellen|interessiert|"
    r"quote|pricing|buy|purchase|subscribe|interested|demo)",
    re.IGNORECASE,
)
STRONG_SENTIMENT = 0.3
SUGGESTED_TAGS = ("question", "complaint", "compliment", "lead")


def tags_suggest(text: str, *, from_ad: bool = False) -> set[str]:
    """Question / complaint / compliment / lead, from the words and the sentiment."""
    text = text or ""
    score = sentiment_analyse(text).score if text.strip() else 0.0
    tags = set()
    # Clearly negative only: one mildly negative word ("laat", "late") is no complaint.
    if COMPLAINT_WORDS.search(text) or score <= -STRONG_SENTIMENT:
        tags.add("complaint")
    elif score >= STRONG_SENTIMENT and "?" not in text:
        tags.add("compliment")
    if "?" in text or QUESTION_WORDS.search(text):
        tags.add("question")
    if LEAD_WORDS.search(text) or from_ad:
        tags.add("lead")
    return tags


def tags_prepare(*, conversation: Conversation, message: Message) -> set[str]:
    """Apply the suggested tags as ordinary tags the agent can remove; a tag an agent removed
    from this conversation is never suggested again on it."""
    suggested = tags_suggest(message.text, from_ad=bool(conversation.source))
    if not suggested:
        return set()
    removed = set(
        ConversationEvent.objects.filter(
            conversation=conversation, kind=EventKind.TAG_REMOVED, data__tag__in=list(suggested)
        ).values_list("data__tag", flat=True)
    )
    current = set(conversation.tags.values_list("name", flat=True))
    new = suggested - removed - current
    if new:
        inbox_services.conversation_update(conversation=conversation, actor=None, tags=current | new)
    return new


def rule_runs_for_timeline(conversation) -> list[tuple]:
    """The rules that ran on a conversation, as lines in its timeline (what they did, or why
    they failed), so an agent sees why a tag or an assignment appeared."""
    runs = RuleRun.objects.filter(conversation=conversation).order_by("created_at", "id")
    return [(run.created_at, "rule", run) for run in runs]
