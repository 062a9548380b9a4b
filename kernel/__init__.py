"""The shared kernel: what every app may import and what imports none of them.

It holds the vocabulary the apps share (channel kinds, refusals), abstract model pieces and
small helpers for side effects after commit. Nothing here knows a particular channel.
"""
