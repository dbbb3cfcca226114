"""Accounts: users, roles, sign-in with throttling, passwords."""
