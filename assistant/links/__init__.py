"""Backlink ledger tools: the Google disavow file (assist links)."""
