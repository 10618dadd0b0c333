"""HTML reports: one self-contained file per policy comparison."""

from stockwise.reports.html import write_report

__all__ = ["write_report"]
