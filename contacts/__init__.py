"""Contacts: the agent-facing CRM on top of the inbox.

The contact list and search, a contact's page and the inbox's contact panel (details, keys,
identities, tags, notes, the timeline of every conversation), merge and undo from the UI,
merge suggestions to decide, CSV import and export, GDPR export and erase, retention, and the
contacts REST API. It reads and writes through `crm` (who a customer is) and `inbox` (their
conversations); `contacts.selectors` decides who sees which contact.
"""
