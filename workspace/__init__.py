"""Workspace settings: everything a team lead sets up in the app instead of the command line.

Under `/settings/` (leads and admins; agents get 404): inboxes and their channels, agents and
teams, availability, service levels and surveys, and the audit log of every change. Each area
is a package of its own (`inboxes`, `people`, `availability`, `audit_log`) with views, forms and
URLs; what a change does is a service of the app that owns the data, and every change is
written to the audit log.
"""
