"""Data access: every query the services run, each scoped to one tenant."""
