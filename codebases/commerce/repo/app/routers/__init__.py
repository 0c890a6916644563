"""HTTP endpoints. Thin: parse, authorise, call a service, commit, shape the answer."""

from . import admin, customers, health, inventory, invoices, orders, products, reports, users, webhooks

ROUTERS = [
    health.router,
    admin.router,
    users.router,
    products.router,
    inventory.router,
    customers.router,
    orders.router,
    invoices.router,
    webhooks.router,
    reports.router,
]
