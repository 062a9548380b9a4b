"""REST API for contacts. Visibility comes from `inbox.access` (agents see their inboxes' contacts)."""

from django.db.models import Prefetch, Q
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from crm import merging
from crm.models import Contact, ContactIdentity, ContactPhone
from crm.models import ContactMerge as MergeRecord
from crm.phones import normalize_phone
from inbox import access
from inbox.api.serializers import ConversationSerializer
from inbox.models import Tag


class IdentitySerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactIdentity
        fields = ["channel", "external_id", "display_name"]


class ContactSerializer(serializers.ModelSerializer):
    identities = IdentitySerializer(many=True, read_only=True)
    phones = serializers.SerializerMethodField()
    emails = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "name",
            "phone",
            "email",
            "phones",
            "emails",
            "locale",
            "identities",
            "merged_into",
            "created_at",
        ]

    def get_phones(self, contact) -> list[str]:
        """Every phone number of the contact (E.164, or as typed when it did not parse)."""
        return [p.e164 or p.raw for p in contact.phones.all()]

    def get_emails(self, contact) -> list[str]:
        return [e.email for e in contact.emails.all()]


class ContactDetailSerializer(ContactSerializer):
    conversations = serializers.SerializerMethodField()

    class Meta(ContactSerializer.Meta):
        fields = [*ContactSerializer.Meta.fields, "notes", "attributes", "conversations"]

    @extend_schema_field(ConversationSerializer(many=True))
    def get_conversations(self, contact):
        request = self.context["request"]
        conversations = (
            access.visible_conversations(request.user)
            .filter(contact=contact)
            .select_related("inbox", "contact", "assignee")
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name")))
            .order_by("-last_message_at", "-id")
        )
        return ConversationSerializer(conversations, many=True, context=self.context).data


class MergeSerializer(serializers.Serializer):
    other = serializers.IntegerField()


@extend_schema(parameters=[OpenApiParameter("phone", str), OpenApiParameter("q", str)])
class ContactList(generics.ListAPIView):
    serializer_class = ContactSerializer

    def get_queryset(self):
        queryset = access.visible_contacts(self.request.user).filter(merged_into__isnull=True)
        phone = self.request.query_params.get("phone")
        if phone:
            e164 = normalize_phone(phone)
            with_phone = ContactPhone.objects.filter(e164=e164).values("contact_id")
            queryset = (
                queryset.filter(Q(phone=e164) | Q(pk__in=with_phone) | Q(identities__phone=e164)).distinct()
                if e164
                else queryset.none()
            )
        query = (self.request.query_params.get("q") or "").strip()
        if query:
            queryset = queryset.filter(Q(name__icontains=query) | Q(email__icontains=query) | Q(phone__icontains=query))
        return queryset.prefetch_related("identities", "phones", "emails").order_by("-id")


class ContactDetail(generics.RetrieveAPIView):
    serializer_class = ContactDetailSerializer

    def get_object(self):
        return access.access_contact(self.request.user, self.kwargs["pk"])


class ContactMerge(APIView):
    @extend_schema(request=MergeSerializer, responses={200: ContactDetailSerializer})
    def post(self, request, pk):
        survivor = access.access_contact(request.user, pk)
        form = MergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        other = access.access_contact(request.user, form.validated_data["other"])
        merging.contact_merge(survivor=survivor, other=other, merged_by=request.user)
        survivor.refresh_from_db()
        return Response(ContactDetailSerializer(survivor, context={"request": request}).data, status=status.HTTP_200_OK)


class ContactMergeUndo(APIView):
    """Undo a merge (within `WEBCARE_MERGE_UNDO_DAYS`): both contacts come back."""

    @extend_schema(request=None, responses={200: ContactDetailSerializer})
    def post(self, request, pk):
        merge = MergeRecord.objects.filter(pk=pk).first()
        if merge is None:
            raise Http404
        survivor = access.access_contact(request.user, merge.survivor_id)
        merging.contact_merge_undo(merge=merge, actor=request.user)
        survivor.refresh_from_db()
        return Response(ContactDetailSerializer(survivor, context={"request": request}).data)
