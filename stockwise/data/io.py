"""Load a dataset from a folder of CSV/Parquet files or from DataFrames, and write one.

Every problem is collected before anything is raised, so a user sees the whole list at
once in one ``ValidationError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from stockwise.data.errors import Issue, ValidationError
from stockwise.data.model import (
    Budget,
    Constraints,
    Dataset,
    DemandHistory,
    InventoryState,
    Item,
    Lane,
    Location,
    LocationKind,
    OnOrder,
    ServiceKind,
    ServiceTarget,
    StockPosition,
)
from stockwise.data.network import find_cycle, supplied_locations
from stockwise.data.schema import TABLES, Column, Table

SUFFIXES = (".csv", ".csv.gz", ".parquet")
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}
_MAX_INT = 2.0**53  # integers beyond this do not survive a float64 round trip


def load_dataset(folder: str | Path) -> Dataset:
    """Read ``items``, ``locations``, ``lanes``, ``demand`` (required) and ``inventory``,
    ``on_order``, ``constraints`` (optional) from ``folder``, as ``.csv``, ``.csv.gz`` or
    ``.parquet``. Raises ``ValidationError`` listing every problem found."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError([Issue(str(folder), None, None, None, "is not a folder")])
    frames: dict[str, pd.DataFrame] = {}
    names: dict[str, str] = {}
    issues: list[Issue] = []
    for table in TABLES.values():
        found = [
            folder / f"{table.name}{s}" for s in SUFFIXES if (folder / f"{table.name}{s}").exists()
        ]
        if len(found) > 1:
            issues.append(
                Issue(
                    table.name,
                    None,
                    None,
                    None,
                    "found as " + " and ".join(p.name for p in found) + "; keep one",
                )
            )
            continue
        if not found:
            if table.required:
                issues.append(
                    Issue(f"{table.name}.csv", None, None, None, "required file is missing")
                )
            continue
        path = found[0]
        names[table.name] = path.name
        try:
            frames[table.name] = _read(path)
        except Exception as err:  # noqa: BLE001 - any reader failure is a user-facing issue
            issues.append(Issue(path.name, None, None, None, f"cannot be read: {err}"))
    if issues:
        raise ValidationError(issues)
    return from_frames(frames, file_names=names)


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)


def from_frames(
    frames: Mapping[str, pd.DataFrame], file_names: Mapping[str, str] | None = None
) -> Dataset:
    """Build a ``Dataset`` from DataFrames keyed by table name (``items``, ``demand``, ...).

    Values may be typed or strings. Raises ``ValidationError`` listing every problem."""
    file_names = dict(file_names or {})
    issues: list[Issue] = []
    parsed: dict[str, pd.DataFrame] = {}
    for name in frames:
        if name not in TABLES:
            issues.append(
                Issue(name, None, None, None, f"unknown table; expected one of {sorted(TABLES)}")
            )
    for table in TABLES.values():
        label = file_names.get(table.name, f"{table.name}.csv")
        if table.name not in frames:
            if table.required:
                issues.append(Issue(label, None, None, None, "required file is missing"))
            continue
        frame, table_issues = _parse_table(frames[table.name], table, label)
        issues += table_issues
        if frame is not None:
            parsed[table.name] = frame
    if not issues:
        issues += _check_references(parsed, file_names)
    if issues:
        raise ValidationError(issues)
    return _build(parsed)


def _label(table: str, file_names: Mapping[str, str]) -> str:
    return file_names.get(table, f"{table}.csv")


def _is_missing(raw: pd.Series) -> np.ndarray:
    as_text = raw.astype(str).str.strip()
    return (raw.isna() | (as_text == "") | as_text.isin(["None", "<NA>", "NaT"])).to_numpy()


def _parse_table(
    frame: pd.DataFrame, table: Table, label: str
) -> tuple[pd.DataFrame | None, list[Issue]]:
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    issues: list[Issue] = []
    missing_cols = [c.name for c in table.columns if c.required and c.name not in frame.columns]
    for name in missing_cols:
        issues.append(Issue(label, None, name, None, "required column is missing"))
    out = pd.DataFrame(index=frame.index)
    for column in table.columns:
        if column.name not in frame.columns:
            if not column.required:
                out[column.name] = _default_series(column, len(frame))
            continue
        values, col_issues = _parse_column(frame[column.name], column, label)
        issues += col_issues
        out[column.name] = values
    if issues:
        return None, issues
    if table.key:
        dup = out.duplicated(list(table.key), keep="first").to_numpy()
        for row in np.flatnonzero(dup):
            key = ", ".join(f"{k}={out.at[row, k]}" for k in table.key)
            issues.append(Issue(label, int(row) + 1, ",".join(table.key), key, "duplicate key"))
    return out, issues


def _default_series(column: Column, n: int) -> pd.Series:
    if column.kind == "float":
        value = np.nan if column.default is None else float(column.default)  # type: ignore[arg-type]
        return pd.Series(np.full(n, value, dtype=float))
    if column.kind == "int":
        if column.default is None:
            return pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
        return pd.Series(np.full(n, int(column.default), dtype=np.int64))  # type: ignore[arg-type]
    if column.kind == "bool":
        return pd.Series(np.full(n, bool(column.default), dtype=bool))
    return pd.Series([column.default if column.default is not None else ""] * n, dtype=object)


def _parse_column(raw: pd.Series, column: Column, label: str) -> tuple[pd.Series, list[Issue]]:
    issues: list[Issue] = []
    missing = _is_missing(raw)
    text = raw.astype(str).str.strip()

    def bad(mask: np.ndarray, rule: str) -> None:
        for row in np.flatnonzero(mask):
            issues.append(Issue(label, int(row) + 1, column.name, str(raw.iloc[row]), rule))

    if column.required:
        nan_literal = missing & text.str.lower().isin(["nan"]).to_numpy()
        bad(nan_literal, "NaN is not allowed")
        bad(missing & ~nan_literal, "required value is missing")

    if column.kind in ("str", "enum"):
        values = text.where(~missing, "" if column.default is None else str(column.default))
        if column.kind == "enum":
            lowered = values.str.lower()
            wrong = ~missing & ~lowered.isin(column.choices).to_numpy()
            bad(wrong, f"expected one of {', '.join(column.choices)}")
            values = lowered
        return values.astype(object), issues

    if column.kind == "bool":
        lowered = text.str.lower()
        numeric = pd.to_numeric(raw, errors="coerce")
        true = lowered.isin(_TRUE).to_numpy() | (numeric == 1).to_numpy()
        false = lowered.isin(_FALSE).to_numpy() | (numeric == 0).to_numpy()
        bad(~missing & ~true & ~false, "expected 0/1 or true/false")
        return pd.Series(np.where(missing, bool(column.default), true), dtype=bool), issues

    if column.kind == "period":
        return _parse_periods(raw, text, missing, bad), issues

    numbers = pd.to_numeric(raw, errors="coerce").astype(float)
    not_number = ~missing & numbers.isna().to_numpy()
    is_nan_text = text.str.lower().isin(["nan", "-nan"]).to_numpy()
    bad(not_number & is_nan_text, "NaN is not allowed")
    bad(not_number & ~is_nan_text, f"expected a {'whole ' if column.kind == 'int' else ''}number")
    ok = ~missing & ~not_number
    arr = numbers.to_numpy()
    bad(ok & ~np.isfinite(np.where(ok, arr, 0.0)), "must be finite")
    ok &= np.isfinite(np.where(ok, arr, 0.0))
    if column.minimum is not None:
        below = arr <= column.minimum if column.exclusive else arr < column.minimum
        op = ">" if column.exclusive else "≥"
        bad(ok & below, f"must be {op} {column.minimum:g}")
    if column.maximum is not None:
        above = arr >= column.maximum if column.exclusive else arr > column.maximum
        op = "<" if column.exclusive else "≤"
        bad(ok & above, f"must be {op} {column.maximum:g}")
    if column.kind == "int":
        fractional = ok & (np.where(ok, arr, 0.0) % 1 != 0)
        bad(fractional, "expected a whole number")
        huge = ok & ~fractional & (np.abs(np.where(ok, arr, 0.0)) >= _MAX_INT)
        bad(huge, f"must be < {_MAX_INT:.0f}")
        ok &= ~fractional & ~huge
        if column.default is None:
            ints = pd.array(np.where(ok, arr, 0).astype(np.int64), dtype="Int64")
            ints[missing] = pd.NA
            return pd.Series(ints), issues
        filled = np.where(missing, float(column.default), np.where(ok, arr, 0.0))  # type: ignore[arg-type]
        return pd.Series(filled.astype(np.int64)), issues
    if column.default is not None:
        arr = np.where(missing, float(column.default), arr)  # type: ignore[arg-type]
    return pd.Series(arr, dtype=float), issues


def _parse_periods(raw: pd.Series, text: pd.Series, missing: np.ndarray, bad) -> pd.Series:
    """Periods are all integers or all ISO dates; a mix, or anything else, is an error.

    In a mix, the rows of the less common form are flagged."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        return pd.Series(pd.to_datetime(raw).astype("datetime64[ns]"))
    numbers = pd.to_numeric(raw, errors="coerce")
    whole = numbers.notna() & (numbers.fillna(0.5) % 1 == 0) & (numbers.abs() < _MAX_INT)
    integer = ~missing & whole.to_numpy()
    dates = pd.to_datetime(text.where(~integer & ~missing, None), errors="coerce", format="ISO8601")
    is_date = ~missing & ~integer & dates.notna().to_numpy()
    bad(~missing & ~integer & ~is_date, "expected an integer period or an ISO date (YYYY-MM-DD)")
    if integer.any() and is_date.any():
        minority = is_date if is_date.sum() <= integer.sum() else integer
        bad(minority, "mixes integer periods and dates; use one form")
    if is_date.any():
        return pd.Series(dates.astype("datetime64[ns]"))
    return pd.Series(numbers.where(integer, 0).astype(np.int64))


def _check_references(
    parsed: Mapping[str, pd.DataFrame], file_names: Mapping[str, str]
) -> list[Issue]:
    issues: list[Issue] = []
    items = set(parsed["items"]["item"])
    locations = set(parsed["locations"]["location"])

    def unknown(table: str, column: str, known: set[str], what: str, blank_ok=False) -> None:
        if table not in parsed:
            return
        values = parsed[table][column]
        for row, value in enumerate(values):
            if blank_ok and value == "":
                continue
            if value not in known:
                issues.append(
                    Issue(_label(table, file_names), row + 1, column, value, f"unknown {what}")
                )

    unknown("lanes", "origin", locations, "location")
    unknown("lanes", "destination", locations, "location")
    unknown("demand", "item", items, "item")
    unknown("demand", "location", locations, "location")
    for table in ("inventory", "on_order"):
        unknown(table, "item", items, "item")
        unknown(table, "location", locations, "location")
    unknown("constraints", "item", items, "item", blank_ok=True)
    unknown("constraints", "location", locations, "location", blank_ok=True)
    if issues:
        return issues

    lanes = parsed["lanes"]
    lanes_label = _label("lanes", file_names)
    for row in np.flatnonzero((lanes["origin"] == lanes["destination"]).to_numpy()):
        issues.append(
            Issue(
                lanes_label,
                int(row) + 1,
                "destination",
                lanes.at[row, "destination"],
                "a lane cannot end where it starts",
            )
        )
    lane_objs = [
        Lane(o, d, 0.0) for o, d in zip(lanes["origin"], lanes["destination"], strict=True)
    ]
    cycle = find_cycle(lane_objs)
    if cycle and not issues:
        pairs = set(zip(cycle[:-1], cycle[1:], strict=True))
        rows = [r for r, lane in enumerate(lane_objs) if lane.key in pairs]
        issues.append(
            Issue(
                lanes_label,
                rows[0] + 1 if rows else None,
                "origin,destination",
                None,
                "lanes form a cycle: " + " -> ".join(cycle),
            )
        )
        return issues

    locs = parsed["locations"]
    loc_objs = [
        Location(n, LocationKind(k)) for n, k in zip(locs["location"], locs["kind"], strict=True)
    ]
    reached = supplied_locations(loc_objs, lane_objs)
    demand_locations = set(parsed["demand"]["location"])
    for row, name in enumerate(locs["location"]):
        if name in demand_locations and name not in reached:
            issues.append(
                Issue(
                    _label("locations", file_names),
                    row + 1,
                    "location",
                    name,
                    "has demand but no supply path from a supplier or plant",
                )
            )
    sources = {
        n for n, k in zip(locs["location"], locs["kind"], strict=True) if k in ("supplier", "plant")
    }
    for row, dest in enumerate(lanes["destination"]):
        if dest in sources and locs.set_index("location").at[dest, "kind"] == "supplier":
            issues.append(
                Issue(
                    lanes_label,
                    row + 1,
                    "destination",
                    dest,
                    "a supplier is an external source and cannot receive stock",
                )
            )

    if "constraints" in parsed:
        cons = parsed["constraints"]
        label = _label("constraints", file_names)
        for row in range(len(cons)):
            kind, value = cons.at[row, "type"], cons.at[row, "value"]
            if kind != "budget" and not 0 < value < 1:
                issues.append(
                    Issue(
                        label,
                        row + 1,
                        "value",
                        f"{value:g}",
                        f"a {kind} target must be strictly between 0 and 1",
                    )
                )
            if kind != "budget" and not pd.isna(cons.at[row, "period"]):
                issues.append(
                    Issue(
                        label,
                        row + 1,
                        "period",
                        str(cons.at[row, "period"]),
                        "service targets apply to every period; leave period blank",
                    )
                )
    return issues


def _opt(value: float) -> float | None:
    return None if pd.isna(value) else float(value)


def _build(parsed: Mapping[str, pd.DataFrame]) -> Dataset:
    items = tuple(
        Item(
            item=r.item,
            unit_cost=float(r.unit_cost),
            holding_cost_rate=float(r.holding_cost_rate),
            shortage_penalty=float(r.shortage_penalty),
            volume=float(r.volume),
            price=_opt(r.price),
            case_pack=int(r.case_pack),
            moq=float(r.moq),
            category=r.category,
        )
        for r in parsed["items"].itertuples(index=False)
    )
    locations = tuple(
        Location(
            r.location, LocationKind(r.kind), _opt(r.storage_capacity), _opt(r.supply_capacity)
        )
        for r in parsed["locations"].itertuples(index=False)
    )
    lanes = tuple(
        Lane(
            r.origin,
            r.destination,
            float(r.lead_time_mean),
            float(r.lead_time_sd),
            float(r.transport_cost),
            float(r.fixed_order_cost),
            _opt(r.capacity),
        )
        for r in parsed["lanes"].itertuples(index=False)
    )
    demand = make_demand_frame(parsed["demand"])
    positions: tuple[StockPosition, ...] = ()
    if "inventory" in parsed:
        positions = tuple(
            StockPosition(r.item, r.location, float(r.on_hand), float(r.backorders))
            for r in parsed["inventory"].itertuples(index=False)
        )
    on_order: tuple[OnOrder, ...] = ()
    if "on_order" in parsed:
        on_order = tuple(
            OnOrder(r.item, r.location, float(r.quantity), int(r.arrival_period))
            for r in parsed["on_order"].itertuples(index=False)
        )
    budgets: list[Budget] = []
    targets: list[ServiceTarget] = []
    if "constraints" in parsed:
        for r in parsed["constraints"].itertuples(index=False):
            if r.type == "budget":
                budgets.append(Budget(float(r.value), None if pd.isna(r.period) else int(r.period)))
            else:
                targets.append(
                    ServiceTarget(
                        ServiceKind(r.type), float(r.value), r.item or None, r.location or None
                    )
                )
    return Dataset(
        items=items,
        locations=locations,
        lanes=lanes,
        demand=DemandHistory(demand),
        inventory=InventoryState(positions, on_order),
        constraints=Constraints(tuple(budgets), tuple(targets)),
    )


def make_demand_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical demand frame: typed columns, sorted by item, location, period."""
    out = pd.DataFrame(
        {
            "item": frame["item"].astype(str).to_numpy(dtype=object),
            "location": frame["location"].astype(str).to_numpy(dtype=object),
            "period": frame["period"].to_numpy(),
            "quantity": frame["quantity"].to_numpy(dtype=float),
            "price": frame["price"].to_numpy(dtype=float)
            if "price" in frame
            else np.full(len(frame), np.nan),
            "promo": frame["promo"].to_numpy(dtype=bool)
            if "promo" in frame
            else np.zeros(len(frame), dtype=bool),
        }
    )
    return out.sort_values(["item", "location", "period"], kind="stable").reset_index(drop=True)


def to_frames(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """The dataset as one DataFrame per table, in the documented schema."""
    frames = {
        "items": pd.DataFrame(
            [
                {
                    "item": i.item,
                    "category": i.category,
                    "unit_cost": i.unit_cost,
                    "holding_cost_rate": i.holding_cost_rate,
                    "shortage_penalty": i.shortage_penalty,
                    "price": i.price,
                    "volume": i.volume,
                    "case_pack": i.case_pack,
                    "moq": i.moq,
                }
                for i in dataset.items
            ]
        ),
        "locations": pd.DataFrame(
            [
                {
                    "location": loc.location,
                    "kind": loc.kind.value,
                    "storage_capacity": loc.storage_capacity,
                    "supply_capacity": loc.supply_capacity,
                }
                for loc in dataset.locations
            ]
        ),
        "lanes": pd.DataFrame(
            [
                {
                    "origin": lane.origin,
                    "destination": lane.destination,
                    "lead_time_mean": lane.lead_time_mean,
                    "lead_time_sd": lane.lead_time_sd,
                    "transport_cost": lane.transport_cost,
                    "fixed_order_cost": lane.fixed_order_cost,
                    "capacity": lane.capacity,
                }
                for lane in dataset.lanes
            ]
        ),
        "demand": dataset.demand.frame.assign(promo=dataset.demand.frame["promo"].astype(int)),
    }
    if dataset.inventory.positions:
        frames["inventory"] = pd.DataFrame(
            [
                {
                    "item": p.item,
                    "location": p.location,
                    "on_hand": p.on_hand,
                    "backorders": p.backorders,
                }
                for p in dataset.inventory.positions
            ]
        )
    if dataset.inventory.on_order:
        frames["on_order"] = pd.DataFrame(
            [
                {
                    "item": o.item,
                    "location": o.location,
                    "quantity": o.quantity,
                    "arrival_period": o.arrival_period,
                }
                for o in dataset.inventory.on_order
            ]
        )
    rows = [
        {"type": "budget", "item": "", "location": "", "period": b.period, "value": b.amount}
        for b in dataset.constraints.budgets
    ] + [
        {
            "type": t.kind.value,
            "item": t.item or "",
            "location": t.location or "",
            "period": None,
            "value": t.target,
        }
        for t in dataset.constraints.service_targets
    ]
    if rows:
        frames["constraints"] = pd.DataFrame(rows).astype({"period": "Int64"})
    return frames


def write_dataset(dataset: Dataset, folder: str | Path, fmt: str = "csv") -> list[Path]:
    """Write ``dataset`` to ``folder`` as ``csv`` or ``parquet``; returns the paths written.

    Dates are written as ISO ``YYYY-MM-DD``; floats in their shortest round-trip form.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in to_frames(dataset).items():
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False, date_format="%Y-%m-%d")
        else:
            frame.to_parquet(path, index=False)
        written.append(path)
    return written
