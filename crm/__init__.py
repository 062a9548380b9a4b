"""CRM: who the customer is, across every channel.

Owns `Contact` (name, phone in E.164, email, locale, notes, attributes) and `ContactIdentity`
(one per channel account of the customer: WhatsApp wa_id, Messenger PSID, live-chat visitor
id). `crm.services.identify` is the one function the inbox asks "who sent this?"; it links
identities to one contact by phone number (normalized to E.164) or email, never by name.
Merges move identities and conversations to the surviving contact and are recorded.
"""
