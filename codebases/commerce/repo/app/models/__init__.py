"""The ORM models (every table Alembic manages)."""

from .base import Base
from .billing import Invoice, InvoiceLine, Payment, Refund
from .catalog import Product, StockLevel, StockMovement, Warehouse
from .messaging import EmailMessage, IdempotencyKey, OutboxEvent, WebhookDelivery, WebhookEndpoint
from .sales import ORDER_STATUSES, Customer, Order, OrderEvent, OrderItem, Reservation
from .tenancy import ApiKey, Tenant, User

__all__ = [
    "ApiKey", "Base", "Customer", "EmailMessage", "IdempotencyKey", "Invoice", "InvoiceLine", "ORDER_STATUSES",
    "Order", "OrderEvent", "OrderItem", "OutboxEvent", "Payment", "Product", "Refund", "Reservation", "StockLevel",
    "StockMovement", "Tenant", "User", "Warehouse", "WebhookDelivery", "WebhookEndpoint",
]
