"""The ``stockwise`` command.

Each sub-command loads its inputs, calls one library function, and prints the result;
no planning logic lives here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from stockwise.data import Dataset, ValidationError, load_dataset, write_dataset
from stockwise.data.schema import TABLES

app = typer.Typer(
    help="Probabilistic demand forecasting and multi-echelon inventory planning.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

DataDir = Annotated[Path, typer.Argument(help="Folder with items, locations, lanes, demand ...")]


def load_or_exit(folder: Path) -> Dataset:
    """Load ``folder``; on bad input print every problem and exit with status 1."""
    try:
        return load_dataset(folder)
    except ValidationError as err:
        print_issues(err)
        raise typer.Exit(1) from err


def print_issues(err: ValidationError) -> None:
    err_console.print(f"[bold red]{len(err.issues)} problem(s) found:[/]")
    for issue in err.issues:
        err_console.print(f"  - {issue}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def validate(folder: DataDir) -> None:
    """Check a data folder; print every problem (file, row, column, rule) and exit 1 if any."""
    dataset = load_or_exit(folder)
    console.print(
        f"[green]OK[/]: {len(dataset.items)} items, {len(dataset.locations)} locations, "
        f"{len(dataset.lanes)} lanes, {len(dataset.demand.frame)} demand rows"
    )


@app.command("sample-data")
def sample_data(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the sample files to")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
) -> None:
    """Write the built-in sample retail network and its sales history."""
    from stockwise.data.sample import generate

    paths = write_dataset(generate(seed), out_dir, fmt)
    console.print(f"wrote {len(paths)} files to {out_dir}")


@app.command()
def schema() -> None:
    """Print the input schema: every file, column, unit and whether it is required."""
    for table in TABLES.values():
        view = Table(
            title=f"{table.name} ({'required' if table.required else 'optional'}): {table.doc}"
        )
        for header in ("column", "type", "required", "unit", "meaning"):
            view.add_column(header)
        for c in table.columns:
            kind = c.kind if c.kind != "enum" else " | ".join(c.choices)
            view.add_row(c.name, kind, "yes" if c.required else "no", c.unit, c.doc)
        console.print(view)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option(help="Where the demo writes its files")] = Path(
        "demo-out"
    ),
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
) -> None:
    """Run the main job on the built-in sample data, end to end."""
    from stockwise.demo import run_demo

    run_demo(out_dir, seed, console)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
