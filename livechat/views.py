"""HTTP side of the live chat: the widget script, visitors' uploads and files, the demo host
page, the agents' snippet page, and the agents' "seen" / "typing" signals."""

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from inbox import access
from inbox.files import attachment_response, file_head, safe_filename, stored_type
from inbox.models import Inbox

from . import KIND, limits, selectors, services, sessions
from .snippet import snippet_for, widget_url
from .widget import widget_script

SCRIPT_MAX_AGE = 300  # settings changes reach websites within five minutes
IMAGE_SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}


@require_GET
def widget_script_view(request, key: str):
    inbox = selectors.livechat_inbox_by_key(key)
    if inbox is None:
        return HttpResponse("/* Webcare: unknown widget key */", status=404, content_type="text/javascript")
    script = widget_script(inbox)
    headers = {"Cache-Control": f"public, max-age={SCRIPT_MAX_AGE}", "ETag": script.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("If-None-Match") == script.etag:
        return HttpResponse(status=304, headers=headers)
    body = script.body
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        body = script.gzipped
        headers["Content-Encoding"] = "gzip"
    return HttpResponse(body, content_type="text/javascript; charset=utf-8", headers=headers)


def _cors(response, origin: str | None):
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response


def _refusal(code: str, detail: str, status: int, origin, *, retry_after: int = 0):
    body = {"error": {"code": code, "detail": detail}}
    if retry_after:
        body["error"]["retry_after"] = retry_after
    return _cors(JsonResponse(body, status=status), origin)


@csrf_exempt  # no cookies: the visitor token in the form is the credential
def visitor_upload(request, key: str):
    """POST multipart: token, client_id, file, lang (and user_id / user_hash when verified)."""
    inbox = selectors.livechat_inbox_by_key(key)
    origin = request.headers.get("Origin")
    if inbox is None or not sessions.origin_allowed(inbox, origin):
        raise Http404
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Access-Control-Allow-Methods"] = "POST"
        return _cors(response, origin)
    if request.method != "POST":
        return _refusal("method_not_allowed", "Use POST.", 405, origin)
    rules = limits.attachment_rules(inbox)
    declared = request.headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > rules["max_bytes"] + 64 * 1024:
        detail = f"Files can be at most {rules['max_bytes'] // (1024 * 1024)} MB."
        return _refusal("file_too_large", detail, 413, origin)
    visitor = sessions.visitor_from_token(inbox, request.POST.get("token", ""))
    uploaded = request.FILES.get("file")
    if visitor is None:
        return _refusal("invalid_token", "Your chat session is not valid; reopen the chat.", 403, origin)
    if uploaded is None:
        return _refusal("no_file", "Choose a file to send.", 400, origin)
    visitor = sessions.verified(
        visitor, inbox, user_id=request.POST.get("user_id"), user_hash_hex=request.POST.get("user_hash")
    )
    name = safe_filename(uploaded.name)
    claimed = mimetypes.guess_type(name)[0] or uploaded.content_type or "application/octet-stream"
    if not _content_matches(uploaded, claimed):
        return _refusal("file_type_not_allowed", "The file's contents do not match its type.", 400, origin)
    # What is stored (and checked against the inbox's allowed types) is what the bytes are.
    content_type = stored_type(file_head(uploaded), claimed)
    try:
        received = services.visitor_message_receive(
            inbox=inbox,
            visitor=visitor,
            client_id=request.POST.get("client_id"),
            text=request.POST.get("text", ""),
            upload=services.VisitorUpload(name=name, content_type=content_type, size=uploaded.size, file=uploaded),
            language=services.visitor_language(request.POST.get("lang")),
        )
    except services.VisitorMessageRefused as refused:
        status = {"rate_limited": 429, "file_too_large": 413}.get(refused.code, 400)
        return _refusal(refused.code, refused.reason, status, origin, retry_after=refused.retry_after)
    return _cors(JsonResponse({"message": selectors.message_public(received.message)}, status=201), origin)


def _content_matches(uploaded, content_type: str) -> bool:
    """Images must start like images: a page disguised as a .png is refused."""
    signatures = IMAGE_SIGNATURES.get(content_type)
    if signatures is None:
        return True
    head = uploaded.read(16)
    uploaded.seek(0)
    return head.startswith(signatures)


@require_GET
def visitor_file(request, signed: str):
    """An attachment by its signed link (handed out only inside the visitor's own history)."""
    attachment = selectors.attachment_by_signed(signed)
    if attachment is None or not attachment.file:
        raise Http404
    response = attachment_response(attachment)
    response["Cross-Origin-Resource-Policy"] = "cross-origin"  # shown in the widget on the customer's site
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def demo_page(request):
    """A host page with the widget, for trying it out: with DEBUG (any live-chat inbox), or in
    demo mode (WEBCARE_DEMO_PAGE=1: the demo data's inboxes only); otherwise there is no such
    page."""
    if not settings.DEBUG and not settings.WEBCARE_DEMO_PAGE:
        raise Http404
    inboxes = Inbox.objects.filter(kind=KIND, is_active=True).order_by("id")
    if not settings.DEBUG:
        inboxes = inboxes.filter(demo=True)
    inbox = inboxes.filter(public_key=request.GET.get("key")).first() if request.GET.get("key") else inboxes.first()
    if inbox is None:
        raise Http404
    response = render(request, "livechat/demo.html", {"inbox": inbox, "snippet": snippet_for(inbox)})
    response["Content-Security-Policy"] = demo_page_policy(inbox)
    return response


def demo_page_policy(inbox: Inbox) -> str:
    """What the demo page needs and nothing more: the widget script from our address, its
    socket and uploads to our address, file links from it, and inline styles (the page's own
    deliberately loud host styles and the widget's styles in its shadow root). No inline
    script runs, and the page cannot be framed."""
    parts = urlsplit(settings.PUBLIC_URL)
    origin = f"{parts.scheme}://{parts.netloc}"
    socket_origin = "ws" + origin.removeprefix("http")  # http -> ws, https -> wss
    script_folder = widget_url(inbox).rsplit("/", 1)[0] + "/"
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {script_folder}",
            f"connect-src {origin} {socket_origin}",
            f"img-src {origin} data:",
            "style-src 'unsafe-inline'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


@login_required
def inbox_snippets(request):
    """Each live-chat inbox the agent may see, with its snippet; leads and admins also get the
    identity-verification secret."""
    sees_secrets = access.sees_everything(request.user)
    rows = []
    for inbox in access.visible_inboxes(request.user).filter(kind=KIND).order_by("name"):
        rows.append(
            {
                "inbox": inbox,
                "snippet": snippet_for(inbox),
                "allowed_origins": (inbox.config or {}).get("allowed_origins") or [],
                "secret": sessions.identity_secret(inbox) if sees_secrets else None,
            }
        )
    return render(request, "livechat/inboxes.html", {"rows": rows})


def _livechat_conversation(request, pk):
    conversation = access.access_conversation(request.user, pk)
    if conversation.inbox.kind != KIND:
        raise Http404
    return conversation


class ConversationSeen(APIView):
    """POST: the agent has read the conversation; the visitor's widget shows "seen"."""

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        conversation = _livechat_conversation(request, pk)
        return Response({"seen": services.messages_seen(conversation=conversation)})


class AgentTyping(APIView):
    """POST {"typing": true|false}: shows or hides "<agent> is typing" in the visitor's widget."""

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        conversation = _livechat_conversation(request, pk)
        typing = request.data.get("typing", True) not in (False, "false", "0", 0)
        services.agent_typing_publish(conversation=conversation, agent=request.user, typing=typing)
        return Response({"ok": True})
