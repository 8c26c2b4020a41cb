"""The member's home page: the first screen after login."""
