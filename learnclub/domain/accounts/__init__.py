"""Accounts: sign-up, sign-in and sessions, passwords, one-time and API tokens, profiles."""
