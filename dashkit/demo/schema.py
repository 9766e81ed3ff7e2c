"""The tables of the demo shop: categories, products, customers, employees, orders and lines."""

from __future__ import annotations

import sqlalchemy as sa

ORDER_STATUSES = ("pending", "paid", "shipped", "delivered", "cancelled", "refunded")
CUSTOMER_TIERS = ("bronze", "silver", "gold")


def shop_metadata() -> sa.MetaData:
    """A fresh MetaData describing the demo shop."""
    metadata = sa.MetaData()
    sa.Table(
        "categories",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("description", sa.Text),
    )
    sa.Table(
        "products",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sku", sa.String(20), nullable=False, unique=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("category_id", sa.ForeignKey("categories.id"), nullable=False, index=True),
        sa.Column("price", sa.Numeric(10, 2), nullable=False),
        sa.Column("stock", sa.Integer, nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("added_on", sa.Date, nullable=False),
        sa.CheckConstraint("price >= 0", name="ck_products_price"),
        sa.CheckConstraint("stock >= 0", name="ck_products_stock"),
    )
    sa.Table(
        "employees",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("first_name", sa.String(60), nullable=False),
        sa.Column("last_name", sa.String(60), nullable=False),
        sa.Column("title", sa.String(80), nullable=False),
        sa.Column("email", sa.String(200), nullable=False, unique=True),
        sa.Column("manager_id", sa.ForeignKey("employees.id"), index=True),
        sa.Column("hired_on", sa.Date, nullable=False),
        sa.Column("salary", sa.Numeric(10, 2), nullable=False),
    )
    sa.Table(
        "customers",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("first_name", sa.String(60), nullable=False),
        sa.Column("last_name", sa.String(60), nullable=False),
        sa.Column("email", sa.String(200), nullable=False, unique=True),
        sa.Column("city", sa.String(80), nullable=False),
        sa.Column("country", sa.String(80), nullable=False),
        sa.Column("tier", sa.Enum(*CUSTOMER_TIERS, name="customer_tier"), nullable=False),
        sa.Column("newsletter", sa.Boolean, nullable=False),
        sa.Column("signed_up_on", sa.Date, nullable=False),
        sa.Column("account_manager_id", sa.ForeignKey("employees.id"), index=True),
    )
    sa.Table(
        "orders",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False, index=True),
        sa.Column("placed_at", sa.DateTime, nullable=False, index=True),
        sa.Column("status", sa.Enum(*ORDER_STATUSES, name="order_status"), nullable=False),
        sa.Column("ship_city", sa.String(80), nullable=False),
        sa.Column("ship_country", sa.String(80), nullable=False),
        sa.Column("shipped_on", sa.Date),
        sa.Column("notes", sa.Text),
    )
    sa.Table(
        "order_lines",
        metadata,
        sa.Column("order_id", sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("line_no", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("product_id", sa.ForeignKey("products.id"), nullable=False, index=True),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price", sa.Numeric(10, 2), nullable=False),
        sa.Column("discount", sa.Numeric(4, 2), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_order_lines_quantity"),
    )
    return metadata


SALES_VIEW = """
CREATE VIEW sales_by_category AS
SELECT c.name AS category,
       COUNT(DISTINCT o.id) AS orders,
       SUM(l.quantity) AS units,
       ROUND(SUM(l.quantity * l.unit_price * (1 - l.discount)), 2) AS revenue
FROM order_lines l
JOIN orders o ON o.id = l.order_id
JOIN products p ON p.id = l.product_id
JOIN categories c ON c.id = p.category_id
WHERE o.status NOT IN ('cancelled', 'refunded')
GROUP BY c.name
"""
"""A read-only view, so the demo also shows how views are served."""
