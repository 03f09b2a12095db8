"""Participation: misses, removal, leave, extensions, readmission, tracking."""
