"""Participation statistics and each member's learning record (issue 11): read only."""
