"""Login, logout, passwords, and the role and scope checks every staff view uses."""
