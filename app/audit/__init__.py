"""Audit log: who changed what, when. Written in the same transaction as the change."""
