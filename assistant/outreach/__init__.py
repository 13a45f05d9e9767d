"""Outreach as a pipeline: pitches with real contacts, personal emails, a durable send queue, follow-ups, replies and won links."""
