"""Deterministic rows for the demo shop: the same seed always gives the same database."""

from __future__ import annotations

import datetime
import random
import unicodedata
from decimal import Decimal
from typing import Any

from dashkit.demo.schema import CUSTOMER_TIERS, ORDER_STATUSES

SEED = 20240601
EPOCH = datetime.date(2024, 1, 1)
DAYS = 730

FIRST_NAMES = (
    "Ada",
    "Amélie",
    "Aiko",
    "Björn",
    "Carlos",
    "Chloé",
    "Dmitri",
    "Elif",
    "Emma",
    "Fatima",
    "François",
    "Grace",
    "Hana",
    "Ingrid",
    "Jamal",
    "José",
    "Kai",
    "Léa",
    "Liam",
    "Lucía",
    "Mateo",
    "Mei",
    "Noah",
    "Nour",
    "Olivia",
    "Priya",
    "Rafael",
    "Sakura",
    "Søren",
    "Zoë",
)
LAST_NAMES = (
    "Andersen",
    "Bianchi",
    "Chen",
    "Dubois",
    "Ericsson",
    "Fernández",
    "García",
    "Hoffmann",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "López",
    "Müller",
    "Nakamura",
    "O'Brien",
    "Patel",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Wójcik",
    "Yilmaz",
    "Zhang",
)
PLACES = (
    ("Berlin", "Germany"),
    ("München", "Germany"),
    ("Paris", "France"),
    ("Lyon", "France"),
    ("Madrid", "Spain"),
    ("Sevilla", "Spain"),
    ("Kraków", "Poland"),
    ("Zürich", "Switzerland"),
    ("København", "Denmark"),
    ("Stockholm", "Sweden"),
    ("Dublin", "Ireland"),
    ("Milano", "Italy"),
    ("São Paulo", "Brazil"),
    ("Toronto", "Canada"),
    ("Austin", "United States"),
    ("Seattle", "United States"),
    ("Tokyo", "Japan"),
    ("Istanbul", "Türkiye"),
)
CATEGORIES = {
    "Coffee": ("Single-origin beans", "Espresso blend", "Decaf roast", "Cold brew pack"),
    "Tea": ("Sencha", "Earl Grey", "Rooibos", "Chai blend", "Oolong"),
    "Brewing gear": ("Pour-over kit", "French press", "Burr grinder", "Gooseneck kettle", "Scale"),
    "Mugs & cups": ("Stoneware mug", "Double-wall glass", "Travel tumbler", "Espresso cup set"),
    "Snacks": ("Almond biscotti", "Dark chocolate bar", "Oat cookies", "Salted caramel"),
    "Books": ("The Coffee Atlas", "Tea Rituals", "Home Barista Handbook"),
    "Gift cards": ("Gift card",),
}
VARIANTS = ("Classic", "Organic", "Limited", "Large", "Small", "Premium", "Everyday")
TITLES = ("Sales associate", "Account manager", "Support specialist", "Warehouse lead")
NOTES = (
    "Leave at the front door.",
    "Gift wrap, please.",
    "Call before delivery.",
    "Deliver after 5 pm.",
    "Contains a gift card — no prices on the slip.",
)


def shop_rows(seed: int = SEED) -> dict[str, list[dict[str, Any]]]:
    """Rows per table name, in insertion order (parents before children)."""
    rng = random.Random(seed)
    categories, products = _catalogue(rng)
    employees = _employees(rng)
    customers = _customers(rng, employees)
    orders, lines = _orders(rng, customers, products)
    return {
        "categories": categories,
        "products": products,
        "employees": employees,
        "customers": customers,
        "orders": orders,
        "order_lines": lines,
    }


def _day(rng: random.Random, start: int = 0, end: int = DAYS) -> datetime.date:
    return EPOCH + datetime.timedelta(days=rng.randrange(start, end))


def _catalogue(rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    categories, products = [], []
    for category_id, (name, items) in enumerate(CATEGORIES.items(), start=1):
        categories.append(
            {"id": category_id, "name": name, "description": f"Everything {name.lower()}."}
        )
        for item in items:
            for variant in rng.sample(VARIANTS, k=rng.randint(2, 5)):
                product_id = len(products) + 1
                products.append(
                    {
                        "id": product_id,
                        "sku": f"{name[:3].upper()}-{product_id:04d}",
                        "name": f"{item} ({variant})",
                        "category_id": category_id,
                        "price": Decimal(rng.randrange(299, 14999)) / 100,
                        "stock": rng.choice((0, rng.randrange(1, 400))),
                        "is_active": rng.random() > 0.08,
                        "added_on": _day(rng, -400, 200),
                    }
                )
    return categories, products


def _employees(rng: random.Random) -> list[dict[str, Any]]:
    employees = [_person(rng, 1, "Managing director", None)]
    for employee_id in range(2, 5):
        employees.append(_person(rng, employee_id, "Team lead", 1))
    for employee_id in range(5, 19):
        employees.append(_person(rng, employee_id, rng.choice(TITLES), rng.randint(2, 4)))
    return employees


def _person(
    rng: random.Random, employee_id: int, title: str, manager_id: int | None
) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return {
        "id": employee_id,
        "first_name": first,
        "last_name": last,
        "title": title,
        "email": f"{_ascii(first)}.{_ascii(last)}.{employee_id}@shop.example",
        "manager_id": manager_id,
        "hired_on": _day(rng, -2000, 0),
        "salary": Decimal(rng.randrange(38_000, 120_000, 500)),
    }


def _customers(rng: random.Random, employees: list[dict[str, Any]]) -> list[dict[str, Any]]:
    managers = [e["id"] for e in employees if e["title"] == "Account manager"] or [1]
    customers = []
    for customer_id in range(1, 451):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        city, country = rng.choice(PLACES)
        tier = rng.choices(CUSTOMER_TIERS, weights=(70, 22, 8))[0]
        customers.append(
            {
                "id": customer_id,
                "first_name": first,
                "last_name": last,
                "email": f"{_ascii(first)}.{_ascii(last)}{customer_id}@example.com",
                "city": city,
                "country": country,
                "tier": tier,
                "newsletter": rng.random() < 0.4,
                "signed_up_on": _day(rng, -300, DAYS - 30),
                "account_manager_id": rng.choice(managers) if tier != "bronze" else None,
            }
        )
    return customers


def _orders(
    rng: random.Random, customers: list[dict[str, Any]], products: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    orders, lines = [], []
    for order_id in range(1, 1801):
        customer = rng.choice(customers)
        placed = datetime.datetime.combine(
            _day(rng), datetime.time(rng.randrange(7, 23), rng.randrange(60))
        )
        status = rng.choices(ORDER_STATUSES, weights=(6, 10, 14, 60, 6, 4))[0]
        shipped = placed.date() + datetime.timedelta(days=rng.randint(1, 5))
        orders.append(
            {
                "id": order_id,
                "customer_id": customer["id"],
                "placed_at": placed,
                "status": status,
                "ship_city": customer["city"],
                "ship_country": customer["country"],
                "shipped_on": shipped if status in ("shipped", "delivered", "refunded") else None,
                "notes": rng.choice(NOTES) if rng.random() < 0.1 else None,
            }
        )
        for line_no, product in enumerate(rng.sample(products, k=rng.randint(1, 4)), start=1):
            lines.append(
                {
                    "order_id": order_id,
                    "line_no": line_no,
                    "product_id": product["id"],
                    "quantity": rng.choices((1, 2, 3, 6), weights=(70, 18, 8, 4))[0],
                    "unit_price": product["price"],
                    "discount": rng.choice((Decimal(0),) * 8 + (Decimal("0.10"), Decimal("0.25"))),
                }
            )
    return orders, lines


def _ascii(name: str) -> str:
    """An e-mail-safe spelling of a name: `Søren` → `soren`."""
    folded = unicodedata.normalize("NFKD", name.replace("ø", "o").replace("Ø", "O"))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum()).lower()
