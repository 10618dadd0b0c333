"""One self-contained HTML report comparing policies (inline SVG, no network needed)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from stockwise.engine.simulation.result import DOC, METRICS, SimulationResult
from stockwise.reports import plots

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px;color:#222}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left}
.sig{font-weight:bold}.muted{color:#777;font-size:.8rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
"""
# Marks every plot that drew: the report's own check, read by the headless-browser test.
CHECK = """
window.addEventListener('load', () => {
  let ok = 0;
  document.querySelectorAll('figure.plot svg').forEach(svg => {
    const box = svg.getBoundingClientRect();
    const marks = svg.querySelectorAll('path, rect, image, use').length;
    if (box.width > 50 && box.height > 50 && marks > 3) { ok += 1; svg.dataset.rendered = '1'; }
  });
  document.body.dataset.plotsRendered = ok;
  document.body.dataset.plots = document.querySelectorAll('figure.plot').length;
});
"""


def _fmt(x: float) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:,.1f}"
    return f"{x:.3f}"


def _ci(mean: float, lo: float, hi: float) -> str:
    return f"{_fmt(mean)} <span class='muted'>[{_fmt(lo)}, {_fmt(hi)}]</span>"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(name: str, svg: str, caption: str) -> str:
    return (
        f"<figure class='plot' data-plot='{html.escape(name)}'>{svg}"
        f"<figcaption class='muted'>{html.escape(caption)}</figcaption></figure>"
    )


def comparison_table(result: SimulationResult, summary: pd.DataFrame) -> str:
    by = summary.set_index(["policy", "metric"])
    rows = []
    for metric in METRICS:
        cells = [
            _ci(*by.loc[(p, metric), ["mean", "ci_low", "ci_high"]].to_numpy())
            for p in result.policies
        ]
        label = f"{metric} <span class='muted'>{html.escape(DOC.get(metric, ''))}</span>"
        rows.append([label, *cells])
    return _table(["metric", *result.policies], rows)


def paired_table(paired: pd.DataFrame) -> str:
    rows = []
    for _, r in paired.iterrows():
        mark = "sig" if r["significant"] else ""
        rows.append(
            [
                html.escape(f"{r['policy']} − {r['baseline']}"),
                html.escape(r["metric"]),
                f"<span class='{mark}'>{_fmt(r['difference'])}</span>",
                f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]",
                "yes" if r["significant"] else "no",
            ]
        )
    return _table(["policies", "metric", "mean difference", "interval", "significant"], rows)


def write_report(
    result: SimulationResult,
    path: str | Path,
    *,
    title: str = "stockwise policy comparison",
    baseline: str | None = None,
    fan_keys: Sequence[tuple[str, str]] | None = None,
    notes: Sequence[str] = (),
) -> Path:
    """Write the comparison of ``result``'s policies to ``path`` (one HTML file).

    Sections: comparison table with confidence intervals, paired differences against
    ``baseline`` (default: the first policy), cost breakdown, service vs investment,
    inventory fan charts for ``fan_keys`` (default: the tracked keys, at most 4) and the
    stock-out probability by location and item for every policy.
    """
    path = Path(path)
    summary = result.summary()
    paired = result.paired(baseline) if len(result.policies) > 1 else None
    fan_keys = list(result.track[:4] if fan_keys is None else fan_keys)
    conf = f"{result.confidence:.0%}"
    parts = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='muted'>{result.replications} replications x {result.periods} periods "
        f"(after {result.warmup} warm-up), seed {result.seed}; {conf} Student-t intervals "
        f"over replications; every policy saw the same demand and lead-time draws. "
        f"Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.</p>",
        *(f"<p>{html.escape(n)}</p>" for n in notes),
        f"<h2>Policies compared (mean [{conf} interval])</h2>",
        comparison_table(result, summary),
    ]
    if paired is not None:
        parts += [
            "<h2>Paired differences (common random numbers)</h2>",
            paired_table(paired[paired["metric"].isin(["total_cost", "fill_rate",
                                                        "investment", "stockout_periods",
                                                        "cycle_service"])]),
        ]  # fmt: skip
    parts += [
        "<h2>Cost breakdown</h2>",
        _figure("cost-breakdown", plots.cost_breakdown(summary), "mean cost by component"),
        "<h2>Service vs investment</h2>",
        _figure("frontier", plots.frontier(summary), f"error bars: {conf} intervals"),
    ]
    if fan_keys:
        parts.append("<h2>Inventory over time</h2>")
        for key in fan_keys:
            parts.append(
                _figure(f"fan-{key[0]}-{key[1]}", plots.fan_chart(result, key), "net inventory")
            )
    parts.append("<h2>Stock-out probability by location and item</h2>")
    for name in result.policies:
        table = result.by_location_item(name)
        parts.append(_figure(f"stockout-{name}", plots.stockout_heatmap(table, name), name))
    lanes = result.by_lane(result.policies[0])
    parts.append(
        f"<p class='muted'>{len(lanes)} lanes, {len(result.network.items)} items, "
        f"{int((~result.network.is_source).sum())} stocking locations.</p>"
    )
    doc = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
        f"<script>{CHECK}</script></head><body>{''.join(parts)}</body></html>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
    return path
