"""What-if specifications as data: change a problem, get a new one (the base is untouched).

A spec is a YAML or JSON mapping::

    name: supplier two weeks late, budget cut 15 %
    changes:
      - {type: demand, multiplier: 1.3, categories: [beverages], start: 4, end: 10}
      - {type: lead_time, origin: SUPPLIER, shift: 2}          # or lanes: [[SUPPLIER, DC-NORTH]]
      - {type: outage, origin: SUPPLIER, start: 6, end: 9, probability: 1.0}
      - {type: capacity, location: DC-NORTH, multiplier: 0.8}  # storage (or supply at a source)
      - {type: capacity, lanes: [[DC-NORTH, ST01]], value: 500}
      - {type: budget, multiplier: 0.85}
      - {type: cost, field: unit_cost, multiplier: 1.1, items: [SKU001]}

Fields per ``type`` (periods are 0-based planning periods, ``end`` exclusive; filters
``items``, ``categories``, ``locations``, ``lanes`` or ``origin`` default to everything):

- ``demand``: ``multiplier`` (> 0), filters ``items`` / ``categories`` / ``locations``,
  window ``start`` / ``end``. Scales the scenario demand.
- ``lead_time``: ``shift`` [periods] and/or ``scale`` (> 0) on lanes; changes the lanes'
  mean lead time and every scenario lead-time draw (``max(round(scale * L + shift), 1)``).
- ``outage``: ``origin`` or ``lanes``, ``start``, ``end``, ``probability`` (default 1):
  the lanes cannot ship in the window.
- ``capacity``: ``location`` (storage, or supply capacity for a source) or ``lanes``;
  ``multiplier`` or ``value`` (``null``: unlimited).
- ``budget``: ``multiplier`` or ``value`` [currency / period] for every budget.
- ``cost``: ``field`` in ``unit_cost, holding_cost_rate, shortage_penalty, price``
  (items, filter ``items`` / ``categories``) or ``transport_cost, fixed_order_cost``
  (lanes, filter ``lanes`` / ``origin``), with ``multiplier`` or ``value``.

Every error names the field: ``changes[2].multiplier: expected a number > 0, got 'x'``.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from stockwise.data import Budget, Constraints, Dataset
from stockwise.scenarios.scenario_set import ScenarioSet

ITEM_COSTS = ("unit_cost", "holding_cost_rate", "shortage_penalty", "price")
LANE_COSTS = ("transport_cost", "fixed_order_cost")
TYPES = ("demand", "lead_time", "outage", "capacity", "budget", "cost")
ALLOWED = {
    "demand": {"multiplier", "items", "categories", "locations", "start", "end"},
    "lead_time": {"shift", "scale", "lanes", "origin"},
    "outage": {"origin", "lanes", "start", "end", "probability"},
    "capacity": {"location", "lanes", "multiplier", "value"},
    "budget": {"multiplier", "value"},
    "cost": {"field", "multiplier", "value", "items", "categories", "lanes", "origin"},
}


class WhatIfError(ValueError):
    """A what-if spec is not valid; the message names the field, the value and what was
    expected."""


@dataclass(frozen=True)
class Change:
    """One validated change: its ``type`` and its fields."""

    type: str
    fields: Mapping[str, Any]
    where: str


@dataclass(frozen=True)
class WhatIf:
    """A named list of changes, applied in order."""

    name: str
    changes: tuple[Change, ...]

    def apply(self, dataset: Dataset, scenarios: ScenarioSet | None = None):
        """The changed ``(dataset, scenarios)``; the inputs are never modified."""
        for change in self.changes:
            dataset, scenarios = APPLY[change.type](change, dataset, scenarios)
        return dataset, scenarios


def load_whatif(path: str | Path) -> WhatIf:
    """Read and validate a YAML (``.yaml``/``.yml``) or JSON spec file."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise WhatIfError(f"{path}: cannot read ({err.strerror})") from err
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as err:
        raise WhatIfError(f"{path}: not valid {path.suffix.lstrip('.') or 'YAML'}: {err}") from err
    return parse_whatif(data, dataset=None, source=str(path))


def parse_whatif(data: Any, dataset: Dataset | None = None, source: str = "what-if") -> WhatIf:
    """Validate a spec (a mapping); with ``dataset``, names are checked against it too."""
    if not isinstance(data, Mapping):
        raise WhatIfError(f"{source}: expected a mapping with 'changes', got {type(data).__name__}")
    unknown = set(data) - {"name", "changes"}
    if unknown:
        raise WhatIfError(f"{source}: unknown field(s) {sorted(unknown)}; expected name, changes")
    raw = data.get("changes")
    if not isinstance(raw, list) or not raw:
        raise WhatIfError(f"{source}.changes: expected a non-empty list, got {raw!r}")
    changes = []
    for n, entry in enumerate(raw):
        where = f"changes[{n}]"
        if not isinstance(entry, Mapping):
            raise WhatIfError(f"{where}: expected a mapping, got {entry!r}")
        kind = entry.get("type")
        if kind not in TYPES:
            raise WhatIfError(f"{where}.type: expected one of {', '.join(TYPES)}, got {kind!r}")
        fields = {k: v for k, v in entry.items() if k != "type"}
        extra = set(fields) - ALLOWED[kind]
        if extra:
            raise WhatIfError(
                f"{where}: unknown field(s) {sorted(extra)} for type {kind}; "
                f"allowed: {', '.join(sorted(ALLOWED[kind]))}"
            )
        change = Change(kind, fields, where)
        VALIDATE[kind](change)
        if dataset is not None:
            _check_names(change, dataset)
        changes.append(change)
    return WhatIf(str(data.get("name", source)), tuple(changes))


# ---- field validation ---------------------------------------------------------------------


def _number(c: Change, name: str, *, positive=False, minimum=None, required=False, integer=False):
    value = c.fields.get(name)
    if value is None:
        if required:
            raise WhatIfError(f"{c.where}.{name}: required for type {c.type}")
        return None
    ok = isinstance(value, int | float) and not isinstance(value, bool) and _finite(value)
    if ok and integer:
        ok = float(value).is_integer()
    if ok and positive:
        ok = value > 0
    if ok and minimum is not None:
        ok = value >= minimum
    if not ok:
        kind = "a whole number" if integer else "a number"
        bound = " > 0" if positive else (f" >= {minimum}" if minimum is not None else "")
        raise WhatIfError(f"{c.where}.{name}: expected {kind}{bound}, got {value!r}")
    return value


def _finite(value: float) -> bool:
    """Finite as a float; integers too large for a float (10**400) are not."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _names(c: Change, name: str) -> list[str] | None:
    value = c.fields.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WhatIfError(f"{c.where}.{name}: expected a list of names, got {value!r}")
    return value


def _lanes(c: Change) -> list[tuple[str, str]] | None:
    value = c.fields.get("lanes")
    if value is None:
        return None
    good = isinstance(value, list) and all(
        isinstance(v, list | tuple) and len(v) == 2 and all(isinstance(x, str) for x in v)
        for v in value
    )
    if not good:
        raise WhatIfError(
            f"{c.where}.lanes: expected a list of [origin, destination], got {value!r}"
        )
    return [tuple(v) for v in value]


def _window(c: Change, required: bool) -> tuple[int, int | None]:
    start = _number(c, "start", minimum=0, integer=True, required=required)
    end = _number(c, "end", minimum=1, integer=True, required=required)
    start = int(start or 0)
    if end is not None and end <= start:
        raise WhatIfError(f"{c.where}.end: expected > start ({start}), got {end}")
    return start, None if end is None else int(end)


def _amount(c: Change, allow_null: bool = False) -> None:
    has_m, has_v = "multiplier" in c.fields, "value" in c.fields
    if has_m == has_v:
        raise WhatIfError(f"{c.where}: give exactly one of multiplier or value")
    if has_m:
        _number(c, "multiplier", minimum=0)
    elif not (allow_null and c.fields["value"] is None):
        _number(c, "value", minimum=0)


def _v_demand(c: Change) -> None:
    _number(c, "multiplier", minimum=0, required=True)
    for name in ("items", "categories", "locations"):
        _names(c, name)
    _window(c, required=False)


def _v_lead(c: Change) -> None:
    if "shift" not in c.fields and "scale" not in c.fields:
        raise WhatIfError(f"{c.where}: lead_time needs shift and/or scale")
    _number(c, "shift", integer=True)
    _number(c, "scale", positive=True)
    _lanes(c)


def _v_outage(c: Change) -> None:
    if ("origin" in c.fields) == ("lanes" in c.fields):
        raise WhatIfError(f"{c.where}: outage needs exactly one of origin or lanes")
    _lanes(c)
    _window(c, required=True)
    p = _number(c, "probability", minimum=0)
    if p is not None and p > 1:
        raise WhatIfError(f"{c.where}.probability: expected a number in [0, 1], got {p!r}")


def _v_capacity(c: Change) -> None:
    if ("location" in c.fields) == ("lanes" in c.fields):
        raise WhatIfError(f"{c.where}: capacity needs exactly one of location or lanes")
    if "location" in c.fields and not isinstance(c.fields["location"], str):
        raise WhatIfError(f"{c.where}.location: expected a location name")
    _lanes(c)
    _amount(c, allow_null=True)


def _v_budget(c: Change) -> None:
    _amount(c)


def _v_cost(c: Change) -> None:
    field = c.fields.get("field")
    if field not in ITEM_COSTS + LANE_COSTS:
        raise WhatIfError(
            f"{c.where}.field: expected one of {', '.join(ITEM_COSTS + LANE_COSTS)}, got {field!r}"
        )
    _amount(c)
    _names(c, "items")
    _names(c, "categories")
    _lanes(c)


VALIDATE: dict[str, Callable[[Change], None]] = {
    "demand": _v_demand,
    "lead_time": _v_lead,
    "outage": _v_outage,
    "capacity": _v_capacity,
    "budget": _v_budget,
    "cost": _v_cost,
}


def _check_names(c: Change, ds: Dataset) -> None:
    known = {
        "items": {i.item for i in ds.items},
        "categories": {i.category for i in ds.items},
        "locations": {loc.location for loc in ds.locations},
    }
    for name, valid in known.items():
        for value in c.fields.get(name) or ():
            if value not in valid:
                raise WhatIfError(f"{c.where}.{name}: unknown {name[:-1]} {value!r}")
    for name in ("origin", "location"):
        value = c.fields.get(name)
        if value is not None and value not in known["locations"]:
            raise WhatIfError(f"{c.where}.{name}: unknown location {value!r}")
    lane_keys = {ln.key for ln in ds.lanes}
    for lane in _lanes(c) or ():
        if lane not in lane_keys:
            raise WhatIfError(f"{c.where}.lanes: unknown lane {lane[0]}->{lane[1]}")


# ---- application --------------------------------------------------------------------------


def _new(value: float | None, c: Change) -> float | None:
    if "value" in c.fields:
        return c.fields["value"]
    return None if value is None else value * c.fields["multiplier"]


def _lane_hit(c: Change, key: tuple[str, str]) -> bool:
    lanes, origin = _lanes(c), c.fields.get("origin")
    if lanes is None and origin is None:
        return True
    return (lanes is not None and key in lanes) or key[0] == origin


def _a_demand(c: Change, ds: Dataset, sc: ScenarioSet | None):
    if sc is None:
        raise WhatIfError(f"{c.where}: a demand change needs scenarios to apply to")
    _check_names(c, ds)
    items, cats, locs = (c.fields.get(k) for k in ("items", "categories", "locations"))
    category = {i.item: i.category for i in ds.items}
    rows = [
        j
        for j, (item, loc) in enumerate(sc.keys)
        if (items is None or item in items)
        and (cats is None or category.get(item) in cats)
        and (locs is None or loc in locs)
    ]
    start, end = _window(c, required=False)
    demand = sc.demand.copy()
    demand[:, rows, start:end] *= float(c.fields["multiplier"])
    return ds, replace(sc, demand=demand)


def _a_lead(c: Change, ds: Dataset, sc: ScenarioSet | None):
    _check_names(c, ds)
    shift, scale = float(c.fields.get("shift", 0)), float(c.fields.get("scale", 1.0))
    lanes = tuple(
        replace(
            ln,
            lead_time_mean=max(scale * ln.lead_time_mean + shift, 1.0),
            lead_time_sd=scale * ln.lead_time_sd,
        )
        if _lane_hit(c, ln.key)
        else ln
        for ln in ds.lanes
    )
    if sc is not None and sc.lead_times is not None:
        lead = sc.lead_times.copy()
        for j, key in enumerate(sc.lanes):
            if _lane_hit(c, key):
                lead[:, j] = np.maximum(np.rint(scale * lead[:, j] + shift), 1).astype(lead.dtype)
        sc = replace(sc, lead_times=lead)
    return replace(ds, lanes=lanes), sc


def _a_outage(c: Change, ds: Dataset, sc: ScenarioSet | None):
    if sc is None:
        raise WhatIfError(f"{c.where}: an outage needs scenarios to apply to")
    _check_names(c, ds)
    start, end = _window(c, required=True)
    probability = float(c.fields.get("probability", 1.0))
    keys = sc.lanes or tuple(ln.key for ln in ds.lanes)
    up = (
        np.ones((sc.n_scenarios, len(keys), sc.horizon), dtype=bool)
        if sc.lane_up is None
        else sc.lane_up.copy()
    )
    # Which scenarios suffer the outage: a fixed draw from the set's seed and the change.
    rng = np.random.default_rng([sc.seed or 0, zlib.crc32(c.where.encode())])
    hit = rng.random(sc.n_scenarios) < probability
    for j, key in enumerate(keys):
        if _lane_hit(c, key):
            up[np.ix_(hit, [j], np.arange(start, min(end, sc.horizon)))] = False
    lead = sc.lead_times
    if not sc.lanes:
        mean = np.array([max(round(ln.lead_time_mean), 1) for ln in ds.lanes], dtype=np.int64)
        lead = np.broadcast_to(mean[None, :, None], up.shape).copy()
    return ds, replace(sc, lanes=keys, lane_up=up, lead_times=lead)


def _a_capacity(c: Change, ds: Dataset, sc: ScenarioSet | None):
    _check_names(c, ds)
    if "location" in c.fields:
        name = c.fields["location"]
        locations = tuple(
            (
                replace(loc, supply_capacity=_new(loc.supply_capacity, c))
                if loc.is_source
                else replace(loc, storage_capacity=_new(loc.storage_capacity, c))
            )
            if loc.location == name
            else loc
            for loc in ds.locations
        )
        return replace(ds, locations=locations), sc
    lanes = tuple(
        replace(ln, capacity=_new(ln.capacity, c)) if _lane_hit(c, ln.key) else ln
        for ln in ds.lanes
    )
    return replace(ds, lanes=lanes), sc


def _a_budget(c: Change, ds: Dataset, sc: ScenarioSet | None):
    budgets = ds.constraints.budgets
    if not budgets and "value" in c.fields:
        budgets = (Budget(float(c.fields["value"])),)
    else:
        budgets = tuple(replace(b, amount=float(_new(b.amount, c))) for b in budgets)
    return replace(ds, constraints=Constraints(budgets, ds.constraints.service_targets)), sc


def _a_cost(c: Change, ds: Dataset, sc: ScenarioSet | None):
    _check_names(c, ds)
    field = c.fields["field"]
    if field in LANE_COSTS:
        lanes = tuple(
            replace(ln, **{field: _new(getattr(ln, field), c)}) if _lane_hit(c, ln.key) else ln
            for ln in ds.lanes
        )
        return replace(ds, lanes=lanes), sc
    items, cats = c.fields.get("items"), c.fields.get("categories")
    new_items = tuple(
        replace(it, **{field: _new(getattr(it, field), c)})
        if (items is None or it.item in items) and (cats is None or it.category in cats)
        else it
        for it in ds.items
    )
    return replace(ds, items=new_items), sc


APPLY: dict[str, Callable] = {
    "demand": _a_demand,
    "lead_time": _a_lead,
    "outage": _a_outage,
    "capacity": _a_capacity,
    "budget": _a_budget,
    "cost": _a_cost,
}


def apply_whatif(
    spec: WhatIf | Mapping | str | Path,
    dataset: Dataset,
    scenarios: ScenarioSet | None = None,
) -> tuple[Dataset, ScenarioSet | None]:
    """Apply a spec (object, mapping or file path) to ``dataset`` and ``scenarios``."""
    if isinstance(spec, str | Path):
        spec = load_whatif(spec)
    elif isinstance(spec, Mapping):
        spec = parse_whatif(spec, dataset)
    return spec.apply(dataset, scenarios)
