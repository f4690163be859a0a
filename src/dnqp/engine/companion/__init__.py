"""Companion measures of the entropy index (issue 12)."""
