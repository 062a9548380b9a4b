"""The audit log: who did what to credentials, roles, contacts and exports, for admins to read.

Other apps call `audit.services.audit_record(...)` inside the transaction of the change, so an
entry exists exactly when the change does. Entries are never edited or deleted from the UI.
"""
