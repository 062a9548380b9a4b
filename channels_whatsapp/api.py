"""REST API of the WhatsApp channel: the inbox's message templates (list, and a sync for leads)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from inbox import access

from .graph import GraphError
from .models import MessageTemplate
from .templates import templates_sync


class MessageTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MessageTemplate
        fields = [
            "id",
            "name",
            "language",
            "category",
            "status",
            "components",
            "parameter_names",
            "parameter_count",
            "synced_at",
        ]


def _whatsapp_inbox(user, inbox_id):
    inbox = access.access_inbox(user, inbox_id)  # 404 for inboxes the user may not see
    if inbox.kind != "whatsapp":
        raise NotFound("Only WhatsApp inboxes have message templates.")
    return inbox


class TemplateList(generics.ListAPIView):
    """The inbox's synced templates; `?status=APPROVED` for the ones that can be sent."""

    serializer_class = MessageTemplateSerializer

    def get_queryset(self):
        inbox = _whatsapp_inbox(self.request.user, self.kwargs["pk"])
        queryset = MessageTemplate.objects.filter(inbox=inbox).order_by("name", "language")
        wanted = self.request.query_params.get("status")
        return queryset.filter(status=wanted.upper()) if wanted else queryset


class TemplateSync(APIView):
    """Fetch the templates from the WhatsApp Business Account now (leads and admins)."""

    @extend_schema(request=None, responses={200: dict})
    def post(self, request, pk):
        inbox = _whatsapp_inbox(request.user, pk)
        if not access.sees_everything(request.user):
            raise PermissionDenied("Only team leads and admins sync templates.")
        try:
            result = templates_sync(inbox=inbox)
        except ValueError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        except GraphError as error:
            return Response({"detail": f"WhatsApp answered: {error.message}"}, status=status.HTTP_502_BAD_GATEWAY)
        return Response(result)
