"""Fiches de liaison: town-hall agents refer a person to the centre; the instructing agents call back."""
