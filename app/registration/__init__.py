"""Registration: register, cancel, waitlist, approval, leave, proxy registration, teams."""
