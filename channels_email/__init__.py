"""Email channel: a support mailbox (IMAP or a provider's inbound webhook in, SMTP or an ESP out).

Every email is stored raw first (`models.RawEmail`, the record, replayable), then parsed
(`parser`: the standard library's `email` with `policy.default`; HTML sanitised by `html`;
quoted history and signature split off by `quotes`), threaded (`threads`: References, the
conversation's reply address, the subject) and handed to `inbox.ingest` (`processor`).
Automatic replies are stored as system notices, bounces fail our reply, our own mail is
ignored. Replies leave through the outbox by `sender` with proper threading headers. `imap` is
the poller (tasks every minute), `setup` the settings form and "Test connection". Registered in
the channel registry by `apps.EmailConfig.ready()`; `docs/email.md` tells the whole story.
"""
