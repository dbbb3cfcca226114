"""The audit trail: one helper to append, one query to read a centre's events."""
