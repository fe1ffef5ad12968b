"""Web plumbing every app shares: refused input, JSON endpoints, typed text and ids.

Imports no app: everything above may use it, and it depends on nothing of theirs.
"""
