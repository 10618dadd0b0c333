"""The report's plots, each returned as an inline SVG string (matplotlib, no network)."""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from stockwise.engine.simulation.result import COST_PARTS, SimulationResult  # noqa: E402

COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


def to_svg(fig) -> str:
    """The figure as an ``<svg>`` element (XML prologue and metadata dropped); closes it."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return re.sub(r"<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)


def cost_breakdown(summary: pd.DataFrame) -> str:
    """Stacked bars: mean cost by component per policy [currency]."""
    table = summary[summary["metric"].isin(COST_PARTS)].pivot(
        index="policy", columns="metric", values="mean"
    )
    table = table.reindex(index=summary["policy"].unique(), columns=list(COST_PARTS))
    fig, ax = plt.subplots(figsize=(7, 3.6))
    bottom = np.zeros(len(table))
    for j, part in enumerate(COST_PARTS):
        ax.bar(table.index, table[part], bottom=bottom, label=part, color=COLORS[j])
        bottom += table[part].to_numpy()
    ax.set_ylabel("mean cost over the horizon")
    ax.legend(fontsize=8, ncols=3)
    ax.set_title("Cost breakdown per policy")
    return to_svg(fig)


def frontier(summary: pd.DataFrame) -> str:
    """Fill rate vs inventory investment per policy, with confidence intervals."""
    by = summary.set_index(["policy", "metric"])
    fig, ax = plt.subplots(figsize=(6, 4))
    for j, name in enumerate(summary["policy"].unique()):
        inv, fill = by.loc[(name, "investment")], by.loc[(name, "fill_rate")]
        ax.errorbar(
            inv["mean"],
            fill["mean"],
            xerr=[[inv["mean"] - inv["ci_low"]], [inv["ci_high"] - inv["mean"]]],
            yerr=[[fill["mean"] - fill["ci_low"]], [fill["ci_high"] - fill["mean"]]],
            fmt="o",
            color=COLORS[j % len(COLORS)],
            capsize=3,
            label=name,
        )
    ax.set_xlabel("average inventory investment (on hand at unit cost)")
    ax.set_ylabel("fill rate")
    ax.set_title("Service vs investment")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return to_svg(fig)


def fan_chart(result: SimulationResult, key: tuple[str, str]) -> str:
    """Net inventory of one item at one location over time: median and 50/90 % bands."""
    fig, ax = plt.subplots(figsize=(7, 3.2))
    t = np.arange(result.runs[result.policies[0]].trajectory.shape[1])
    for j, name in enumerate(result.policies):
        q = result.fan(name, key, (0.05, 0.25, 0.5, 0.75, 0.95))
        color = COLORS[j % len(COLORS)]
        ax.fill_between(t, q[0], q[4], color=color, alpha=0.12)
        ax.fill_between(t, q[1], q[3], color=color, alpha=0.25)
        ax.plot(t, q[2], color=color, label=name)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel("period")
    ax.set_ylabel("net inventory [units]")
    ax.set_title(f"{key[0]} at {key[1]}: median, 50 % and 90 % bands")
    ax.legend(fontsize=8)
    return to_svg(fig)


def stockout_heatmap(table: pd.DataFrame, policy: str) -> str:
    """Probability of a stock-out period by location (rows) and item (columns)."""
    grid = table.pivot(index="location", columns="item", values="stockout_probability")
    fig, ax = plt.subplots(figsize=(max(6, 0.22 * grid.shape[1] + 2), 0.3 * grid.shape[0] + 1.5))
    image = ax.imshow(grid.to_numpy(), aspect="auto", cmap="Reds", vmin=0, vmax=1)
    ax.set_yticks(range(grid.shape[0]), grid.index, fontsize=7)
    ax.set_xticks(range(grid.shape[1]), grid.columns, fontsize=6, rotation=90)
    fig.colorbar(image, ax=ax, label="P(stock-out in a period)")
    ax.set_title(f"Stock-out probability: {policy}")
    return to_svg(fig)
