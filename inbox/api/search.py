"""REST API search: GET /api/v1/search/?q= finds contacts and messages the token's user may see."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from inbox import search


def _conversation_url(conversation_id: int, message_id: int | None = None) -> str:
    url = f"{reverse('home')}?c={conversation_id}"
    return f"{url}&m={message_id}" if message_id else url


class ContactHitSerializer(serializers.Serializer):
    contact_id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    conversation_id = serializers.IntegerField(help_text="The contact's latest conversation the user may see")
    channel = serializers.CharField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="Opens that conversation in the inbox")

    def get_url(self, hit) -> str:
        return _conversation_url(hit.conversation_id)


class MessageHitSerializer(serializers.Serializer):
    message_id = serializers.IntegerField()
    conversation_id = serializers.IntegerField()
    contact_name = serializers.CharField()
    channel = serializers.CharField()
    snippet = serializers.CharField(
        help_text="HTML: the message text around the match, escaped, with the matches in <mark>"
    )
    sent_at = serializers.DateTimeField()
    direction = serializers.CharField()
    private = serializers.BooleanField(help_text="A private note (never sent to the customer)")
    url = serializers.SerializerMethodField(help_text="Opens the conversation at this message in the inbox")

    def get_url(self, hit) -> str:
        return _conversation_url(hit.conversation_id, hit.message_id)


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    contacts = ContactHitSerializer(many=True)
    messages = MessageHitSerializer(many=True)


class SearchParams(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=search.MAX_LIMIT, default=20)


class Search(APIView):
    """Contacts (by name, email or phone in any format) and messages (by their words, private
    notes included) in the inboxes the token's user may see; each hit links into the inbox."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words (the last one may be cut short), a name, email or phone"),
            OpenApiParameter("limit", int, description=f"Hits per kind, 1 to {search.MAX_LIMIT} (default 20)"),
        ],
        responses=SearchResultsSerializer,
    )
    def get(self, request):
        params = SearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        results = search.search(
            user=request.user, query=params.validated_data["q"], limit=params.validated_data["limit"]
        )
        return Response(SearchResultsSerializer(results).data)
