"""Appointments with a social worker: slots at the centre or in a town hall, booking, reminders, outcome."""
