"""Documents: printed in French from pdf/, issued as PDF/A records with their SHA-256."""
