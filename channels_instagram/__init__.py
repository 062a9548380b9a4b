"""Instagram channel: an Instagram professional account's Direct messages, nothing else.

Connected through its Facebook Page ("Instagram API with Facebook Login": Page token, Graph host
`META_GRAPH_URL`, sends through the Page) or on its own ("Instagram API with Instagram Login":
Instagram user token, Graph host `INSTAGRAM_GRAPH_URL`, sends through the account); the inbox's
`config["login"]` says which. Webhook bodies have the object `instagram` and are routed by
`entry.id`, the account's id. Direct messages are shaped like Messenger's, so this app is the
shared Messenger Platform pieces of `meta_platform` (parser, processor, Sender, window, profiles,
sender actions) in Instagram's words, plus what only Instagram sends: story mentions, story
replies, shared posts and reels, unsent messages. Registered by `apps.InstagramConfig.ready()`.

Modules: `views` (webhook), `parser`, `processor`, `graph` (which host, which token), `sender`,
`errors`, `rules`, `sender_actions`, `profiles` (name and username), `media` + `tasks`, `setup`
(the settings' form and "Test connection").
"""
