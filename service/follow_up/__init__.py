"""Accompagnement et suivi: one person's timeline across what the centre did with them."""
