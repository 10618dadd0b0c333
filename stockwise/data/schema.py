"""The input schema: one table per file, each column with its type, unit and rules.

This module is the single source of truth for the file formats; the loader, the writer,
the validation messages and ``stockwise schema`` all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["str", "float", "int", "bool", "period", "enum"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an input table.

    ``minimum``/``maximum`` bound the value (``exclusive`` makes both strict);
    ``default`` fills an optional column's missing values (``None`` keeps them missing).
    """

    name: str
    kind: ColumnKind
    required: bool
    unit: str
    doc: str
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    """One input file: its columns, its key, and whether the file must exist."""

    name: str
    required: bool
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    doc: str

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


LOCATION_KINDS = ("supplier", "plant", "dc", "store")
CONSTRAINT_TYPES = ("budget", "fill_rate", "cycle_service")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "items",
            True,
            ("item",),
            (
                Column("item", "str", True, "", "item identifier"),
                Column("category", "str", False, "", "product category", default=""),
                Column("unit_cost", "float", True, "currency/unit", "purchase cost", minimum=0),
                Column(
                    "holding_cost_rate",
                    "float",
                    True,
                    "1/period",
                    "share of unit cost charged per unit held per period",
                    minimum=0,
                ),
                Column(
                    "shortage_penalty",
                    "float",
                    True,
                    "currency/unit/period",
                    "cost of one unit short for one period (backordered or lost)",
                    minimum=0,
                ),
                Column("price", "float", False, "currency/unit", "selling price", minimum=0),
                Column("volume", "float", False, "volume/unit", "storage space", 0.0, minimum=0),
                Column(
                    "case_pack", "int", False, "units", "orders are multiples of it", 1, minimum=1
                ),
                Column("moq", "float", False, "units", "minimum order quantity", 0.0, minimum=0),
            ),
            "one row per item",
        ),
        Table(
            "locations",
            True,
            ("location",),
            (
                Column("location", "str", True, "", "location identifier"),
                Column("kind", "enum", True, "", "role in the network", choices=LOCATION_KINDS),
                Column(
                    "storage_capacity",
                    "float",
                    False,
                    "volume",
                    "space for all items; blank = unlimited",
                    minimum=0,
                ),
                Column(
                    "supply_capacity",
                    "float",
                    False,
                    "units/period",
                    "what a supplier or plant can ship per period; blank = unlimited",
                    minimum=0,
                ),
            ),
            "one row per location",
        ),
        Table(
            "lanes",
            True,
            ("origin", "destination"),
            (
                Column("origin", "str", True, "", "shipping location"),
                Column("destination", "str", True, "", "receiving location"),
                Column("lead_time_mean", "float", True, "periods", "mean lead time", minimum=0),
                Column(
                    "lead_time_sd", "float", False, "periods", "lead-time std. dev.", 0.0, minimum=0
                ),
                Column(
                    "transport_cost",
                    "float",
                    False,
                    "currency/unit",
                    "cost per unit",
                    0.0,
                    minimum=0,
                ),
                Column(
                    "fixed_order_cost",
                    "float",
                    False,
                    "currency/order",
                    "cost of placing an order",
                    0.0,
                    minimum=0,
                ),
                Column(
                    "capacity",
                    "float",
                    False,
                    "units/period",
                    "all items together; blank = unlimited",
                    minimum=0,
                ),
            ),
            "one row per transport link; every item may use every lane",
        ),
        Table(
            "demand",
            True,
            ("item", "location", "period"),
            (
                Column("item", "str", True, "", "item identifier"),
                Column("location", "str", True, "", "where the demand arose"),
                Column(
                    "period",
                    "period",
                    True,
                    "",
                    "integer period index or ISO date (YYYY-MM-DD) of the period start",
                ),
                Column("quantity", "float", True, "units", "units demanded", minimum=0),
                Column("price", "float", False, "currency/unit", "price charged", minimum=0),
                Column("promo", "bool", False, "", "1 if on promotion", False),
            ),
            "one row per item, location and period",
        ),
        Table(
            "inventory",
            False,
            ("item", "location"),
            (
                Column("item", "str", True, "", "item identifier"),
                Column("location", "str", True, "", "location identifier"),
                Column("on_hand", "float", True, "units", "stock on hand now", minimum=0),
                Column("backorders", "float", False, "units", "unfilled demand", 0.0, minimum=0),
            ),
            "stock at the start of planning; missing pairs start empty",
        ),
        Table(
            "on_order",
            False,
            ("item", "location", "arrival_period"),
            (
                Column("item", "str", True, "", "item identifier"),
                Column("location", "str", True, "", "receiving location"),
                Column("quantity", "float", True, "units", "units in transit", minimum=0),
                Column(
                    "arrival_period",
                    "int",
                    True,
                    "period",
                    "planning period of arrival (1 = the first)",
                    minimum=1,
                ),
            ),
            "orders placed but not yet received",
        ),
        Table(
            "constraints",
            False,
            (),
            (
                Column("type", "enum", True, "", "what is limited", choices=CONSTRAINT_TYPES),
                Column("item", "str", False, "", "blank = every item", default=""),
                Column("location", "str", False, "", "blank = every location", default=""),
                Column("period", "int", False, "period", "budget period; blank = every", minimum=1),
                Column(
                    "value",
                    "float",
                    True,
                    "currency or share",
                    "budget [currency/period] or service target in (0, 1)",
                    minimum=0,
                ),
            ),
            "purchase budgets and service-level targets",
        ),
    )
}
