"""What the two Meta channels (WhatsApp Cloud API, Messenger Platform) share, and nothing else.

Not a Django app (no models): plain modules both channel apps import instead of copying.
`graph` (the Graph API client: base URL from `settings.META_GRAPH_URL`, bearer token, timeouts,
Meta's error shape), `webhook` (the webhook view: verification handshake, signature over the raw
body, store then process), `media` (the download attempt loop around `inbox.attachments`).
The signature check and the raw event store themselves live in `inbox.webhooks`.
"""
