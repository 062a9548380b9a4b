"""What the two Meta channels (WhatsApp Cloud API, Messenger Platform) share, and nothing else.

Modules both channel apps import instead of copying: `graph` (the Graph API client: base URL
from `settings.META_GRAPH_URL`, bearer token, timeouts, Meta's error shape), `webhook` (the
webhook views, per inbox and per Meta app: verification handshake, signature over the raw body,
routing, store then process), `media` (the download attempt loop around `inbox.attachments`).
Its one model, `MetaApp`, is a Meta app's callback URL (`/webhooks/meta/<key>/`) with its verify
token and app secret (`meta_apps` creates one and changes its secret). The signature check, the
raw event store and the routing of entries to inboxes live in `inbox.webhooks` and
`inbox.webhook_routing`.
"""
