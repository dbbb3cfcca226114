"""Notifications: mail queued in the outbox with the business change, delivered by the scheduler."""
