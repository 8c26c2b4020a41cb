"""Corrections (申诉): a member who came but has no check-in asks for one; staff decide."""
