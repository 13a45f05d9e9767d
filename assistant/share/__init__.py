"""Compose, queue, schedule and publish posts to channels."""
