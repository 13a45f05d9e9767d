"""Scoring a draft: linkability signals, topical relevance, the report and its renderers."""
