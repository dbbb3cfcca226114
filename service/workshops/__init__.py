"""Collective workshops: themes, sessions and series, registrations and waitlists, reminders, attendance."""
