"""The audit log page: at the top of the dependency order, it reads every feature's words."""
