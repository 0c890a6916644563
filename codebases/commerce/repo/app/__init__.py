"""Commerce: a multi-tenant order, billing and inventory service."""

__version__ = "1.8.0"
