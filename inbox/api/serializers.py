"""JSON shapes of the REST API (docs/api.md). Serializers only shape data; rules live in services."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.models import Contact
from inbox.models import Attachment, Conversation, Mention, Message

AGENT_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}


def agent_ref(user) -> dict | None:
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()} if user else None


class ContactBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "phone", "email"]


class ConversationSerializer(serializers.ModelSerializer):
    channel = serializers.CharField(source="inbox.kind", read_only=True)
    contact = ContactBriefSerializer(read_only=True)
    assignee = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = [
            "id",
            "inbox",
            "channel",
            "status",
            "priority",
            "contact",
            "assignee",
            "team",
            "tags",
            "last_message_at",
            "last_message_preview",
            "last_customer_message_at",
            "first_response_at",
            "resolved_at",
            "created_at",
            "version",
            "public",
            "source",
        ]

    @extend_schema_field(AGENT_SCHEMA)
    def get_assignee(self, conversation):
        return agent_ref(conversation.assignee)

    def get_tags(self, conversation) -> list[str]:
        return sorted(tag.name for tag in conversation.tags.all())


class ConversationUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[c[0] for c in Conversation._meta.get_field("status").choices], required=False
    )
    assignee = serializers.IntegerField(required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=64), required=False)
    priority = serializers.ChoiceField(
        choices=[c[0] for c in Conversation._meta.get_field("priority").choices], required=False
    )
    snoozed_until = serializers.DateTimeField(required=False, allow_null=True)


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "url", "mime_type", "filename", "size", "status"]

    def get_url(self, attachment) -> str | None:
        if not attachment.file:
            return None
        path = reverse("attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class MessageSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)
    created_at = serializers.DateTimeField(source="sent_at", read_only=True)
    author = serializers.SerializerMethodField()
    reply_to = serializers.PrimaryKeyRelatedField(read_only=True)
    mentions = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id",
            "conversation",
            "direction",
            "sender_type",
            "author",
            "kind",
            "text",
            "content",
            "attachments",
            "status",
            "error",
            "error_code",
            "external_id",
            "reply_to",
            "private",
            "mentions",
            "created_at",
        ]

    @extend_schema_field(AGENT_SCHEMA)
    def get_author(self, message):
        return agent_ref(message.author)

    @extend_schema_field({"type": "array", "items": AGENT_SCHEMA})
    def get_mentions(self, message):
        """The colleagues a private note mentions."""
        return [agent_ref(mention.mentioned) for mention in message.mentions.all()]


class MentionSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Mention
        fields = ["id", "conversation", "message", "author", "read", "read_at", "created_at"]

    @extend_schema_field(AGENT_SCHEMA)
    def get_author(self, mention):
        return agent_ref(mention.author)

    def get_read(self, mention) -> bool:
        return mention.read_at is not None


class TemplateReplySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=512)
    language = serializers.CharField(max_length=16)
    parameters = serializers.ListField(child=serializers.CharField(allow_blank=False), required=False, default=list)


class ReactionSerializer(serializers.Serializer):
    message = serializers.IntegerField(help_text="id of the message in this conversation to react to")
    emoji = serializers.CharField(max_length=16, allow_blank=True, trim_whitespace=True, help_text="empty: remove")


class ReplyCreateSerializer(serializers.Serializer):
    """One of: `text` and/or a `file` (multipart; a reply or note), a `template` (a channel's
    approved template), or a `reaction` on a message of the conversation."""

    text = serializers.CharField(max_length=4096, allow_blank=True, trim_whitespace=True, required=False)
    private = serializers.BooleanField(default=False)
    reply_privately = serializers.BooleanField(
        default=False,
        help_text="On a public conversation: answer the customer's latest comment in private (Meta's Private "
        "Reply); the reply is in the person's direct conversation, whose id is `direct_conversation`",
    )
    reply_to = serializers.IntegerField(required=False, allow_null=True)
    file = serializers.FileField(required=False, help_text="multipart/form-data only; one file per message")
    template = TemplateReplySerializer(required=False)
    reaction = ReactionSerializer(required=False)

    def validate(self, attrs):
        special = [key for key in ("template", "reaction") if key in attrs]
        if len(special) > 1:
            raise serializers.ValidationError("Send a template or a reaction, not both.")
        if special:
            if attrs.get("text") or attrs.get("private") or attrs.get("file"):
                raise serializers.ValidationError(f"A {special[0]} goes alone: no text, file or private flag with it.")
        elif not attrs.get("text") and not attrs.get("file"):
            raise serializers.ValidationError({"text": "This field is required (or send a file)."})
        return attrs
