"""Observation (R123-1 CASF): the centre's figures over a period, centre-wide and per commune or
quartier, computed by SQL aggregates; small cells masked for the board and in every export; the board's
yearly report."""
