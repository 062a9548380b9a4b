"""REST API for conversations and messages. Thin: parse, access-check, call one service."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from inbox import access, mentions, public, replies, services
from inbox.models import Mention, Message, Tag

from .serializers import (
    ConversationSerializer,
    ConversationUpdateSerializer,
    MentionSerializer,
    MessageSerializer,
    ReplyCreateSerializer,
)

CONVERSATION_FILTERS = [
    OpenApiParameter("inbox", int),
    OpenApiParameter("status", str),
    OpenApiParameter("assignee", str, description="user id, or 'none' for unassigned"),
    OpenApiParameter("channel", str),
    OpenApiParameter("contact", int),
]


def _conversations_for(user):
    return (
        access.visible_conversations(user)
        .select_related("inbox", "contact", "assignee")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name")))
    )


@extend_schema(parameters=CONVERSATION_FILTERS)
class ConversationList(generics.ListAPIView):
    serializer_class = ConversationSerializer

    def get_queryset(self):
        params = self.request.query_params
        queryset = _conversations_for(self.request.user)
        filters = {
            "inbox_id": params.get("inbox"),
            "status": params.get("status"),
            "inbox__kind": params.get("channel"),
            "contact_id": params.get("contact"),
        }
        for field, value in filters.items():
            if value not in (None, ""):
                if field in ("inbox_id", "contact_id") and access.row_id(value) is None:
                    raise ValidationError({field.removesuffix("_id"): "Must be an integer id."})
                queryset = queryset.filter(**{field: value})
        assignee = params.get("assignee")
        if assignee == "none":
            queryset = queryset.filter(assignee__isnull=True)
        elif assignee:
            if access.row_id(assignee) is None:
                raise ValidationError({"assignee": "Must be a user id or 'none'."})
            queryset = queryset.filter(assignee_id=assignee)
        return queryset.order_by("-last_message_at", "-id")


class ConversationDetail(generics.RetrieveAPIView):
    serializer_class = ConversationSerializer

    def get_object(self):
        return access.access_conversation(self.request.user, self.kwargs["pk"])

    @extend_schema(request=ConversationUpdateSerializer, responses=ConversationSerializer)
    def patch(self, request, pk):
        conversation = self.get_object()
        form = ConversationUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        changes = dict(form.validated_data)
        if "assignee" in changes:
            changes["assignee"] = services.assignee_by_id(changes["assignee"])
        conversation = services.conversation_update(conversation=conversation, actor=request.user, **changes)
        conversation = _conversations_for(request.user).get(pk=conversation.pk)
        return Response(ConversationSerializer(conversation, context={"request": request}).data)


class MessageListCreate(generics.ListCreateAPIView):
    serializer_class = MessageSerializer

    def get_queryset(self):
        conversation = access.access_conversation(self.request.user, self.kwargs["pk"])
        return (
            Message.objects.filter(conversation=conversation)
            .select_related("author")
            .prefetch_related("attachments", Prefetch("mentions", queryset=Mention.objects.select_related("mentioned")))
            .order_by("sent_at", "id")
        )

    @extend_schema(request=ReplyCreateSerializer, responses={201: MessageSerializer})
    def post(self, request, pk):
        conversation = access.access_conversation(request.user, pk)
        form = ReplyCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        reply_to = None
        if data.get("reply_to"):
            reply_to = Message.objects.filter(conversation=conversation, pk=data["reply_to"]).first()
            if reply_to is None:
                raise ValidationError({"reply_to": "No such message in this conversation."})
        template, reaction, upload = data.get("template"), data.get("reaction"), data.get("file")
        if data["reply_privately"]:
            message = public.private_reply_send(
                conversation=conversation, author=request.user, text=data.get("text", "")
            )
            answer = MessageSerializer(message, context={"request": request}).data
            return Response({**answer, "direct_conversation": message.conversation_id}, status=status.HTTP_201_CREATED)
        if reaction is not None:
            target = Message.objects.filter(conversation=conversation, pk=reaction["message"]).first()
            if target is None:
                raise ValidationError({"reaction": {"message": "No such message in this conversation."}})
            message = replies.reaction_send(
                conversation=conversation, author=request.user, target=target, emoji=reaction["emoji"]
            )
        elif template is not None:
            message = replies.template_send(
                conversation=conversation,
                author=request.user,
                name=template["name"],
                language=template["language"],
                parameters=template["parameters"],
            )
        else:
            message = replies.reply_send(
                conversation=conversation,
                author=request.user,
                text=data.get("text", ""),
                private=data["private"],
                reply_to=reply_to,
                file=replies.OutgoingFile.from_upload(upload) if upload is not None else None,
            )
        message.refresh_from_db()
        return Response(MessageSerializer(message, context={"request": request}).data, status=status.HTTP_201_CREATED)


class MentionList(generics.ListAPIView):
    """The token's agent's mentions in private notes, newest first (`?unread=1`: only unread)."""

    serializer_class = MentionSerializer

    @extend_schema(parameters=[OpenApiParameter("unread", bool)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        found = mentions.mentions_of(user=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            found = found.filter(read_at__isnull=True)
        return found
