"""Orientation: the centre's directory of partners, people oriented to them, and the follow-up."""
