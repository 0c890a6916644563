"""Background jobs: a Redis queue, the handlers, and the periodic tasks the worker runs."""
