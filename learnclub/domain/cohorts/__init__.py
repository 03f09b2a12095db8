"""Cohorts: their settings, who is in them in which role, admission, and who may do what."""
