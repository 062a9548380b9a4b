"""CRM: who the customer is, across every channel.

Owns `Contact` (name, primary phone in E.164, email, locale, attributes, tags) with its
matching keys `ContactPhone` / `ContactEmail` (several per contact), `ContactIdentity` (one per
channel account: WhatsApp wa_id, Messenger PSID, live-chat visitor id), agents' `ContactNote`s,
`MergeSuggestion`s, the `ContactMerge` record and the privacy audit trail.

- `crm.services`: `identify` (the one function the inbox asks "who sent this?"; links by
  identity, phone or email, never by name) and edits of a contact.
- `crm.merging`: merge, undo, suggestions. `crm.imports`: CSV import/export.

It sits below the inbox and never imports it; the pages, the API and the privacy tools that
also need a contact's conversations live in `contacts`.
"""
