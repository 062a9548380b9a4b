"""Reporting: the KPIs team leads read.

Reads what the other apps write (messages, conversation events) and never writes to them;
rolls events up into daily summaries in SQL and serves the dashboards and the summary API.
"""
