"""Property tests: networks are DAGs with supply paths; bad files only ever give
``ValidationError``."""

from __future__ import annotations

import networkx as nx
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stockwise.data import (
    Lane,
    Location,
    LocationKind,
    Network,
    NetworkError,
    ValidationError,
    load_dataset,
    write_dataset,
)
from stockwise.data.network import find_cycle, supplied_locations
from stockwise.data.sample import generate
from tests.data.conftest import tiny_frames


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_every_sample_network_is_a_dag_with_supply_paths(seed):
    ds = generate(seed)
    graph = nx.DiGraph([lane.key for lane in ds.lanes])
    assert nx.is_directed_acyclic_graph(graph)
    net = ds.network
    sources = set(net.sources)
    for location in set(ds.demand.frame["location"]):
        assert any(nx.has_path(graph, s, location) for s in sources)
        assert net.has_supply_path(location)
    assert list(net.order) == [n for n in net.order if n in {loc.location for loc in ds.locations}]
    position = {name: k for k, name in enumerate(net.order)}
    assert all(position[lane.origin] < position[lane.destination] for lane in ds.lanes)


edges = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 7)).filter(lambda e: e[0] != e[1]),
    max_size=14,
    unique=True,
)


@settings(max_examples=200, deadline=None)
@given(edges=edges, n_sources=st.integers(1, 3))
def test_cycle_detection_and_reachability_agree_with_networkx(edges, n_sources):
    lanes = [Lane(f"L{a}", f"L{b}", 1.0) for a, b in edges]
    locations = [
        Location(f"L{k}", LocationKind.SUPPLIER if k < n_sources else LocationKind.STORE)
        for k in range(8)
    ]
    graph = nx.DiGraph()
    graph.add_nodes_from(loc.location for loc in locations)
    graph.add_edges_from(lane.key for lane in lanes)
    cycle = find_cycle(lanes)
    if nx.is_directed_acyclic_graph(graph):
        assert cycle is None
        net = Network(locations, lanes)
        sources = [f"L{k}" for k in range(n_sources)]
        for loc in locations:
            expected = any(
                s == loc.location or nx.has_path(graph, s, loc.location) for s in sources
            )
            assert net.has_supply_path(loc.location) == expected
    else:
        assert cycle is not None and cycle[0] == cycle[-1]
        assert all(graph.has_edge(a, b) for a, b in zip(cycle[:-1], cycle[1:], strict=True))
        try:
            Network(locations, lanes)
        except NetworkError as err:
            assert "cycle" in str(err)
        else:
            raise AssertionError("a cyclic network was accepted")
    assert supplied_locations(locations, lanes) >= {f"L{k}" for k in range(n_sources)}


cell_values = st.one_of(
    st.sampled_from(
        [
            "",
            "nan",
            "NaN",
            "inf",
            "-1",
            "0",
            "1e400",
            "2.5",
            "-0",
            "None",
            "x",
            "2024-02-30",
            "2024-01-01",
            "1" * 30,
            "store",
            "supplier",
            "DC",
            "A",
        ]
    ),
    st.text(max_size=6),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(2**70), 2**70).map(str),
)


@st.composite
def mutated_frames(draw):
    frames = tiny_frames()
    for _ in range(draw(st.integers(1, 4))):
        table = draw(st.sampled_from(sorted(frames)))
        frame = frames[table]
        action = draw(
            st.sampled_from(["cell", "cell", "cell", "drop_col", "dup_row", "drop_table"])
        )
        if action == "cell" and len(frame):
            row = draw(st.integers(0, len(frame) - 1))
            column = draw(st.sampled_from(list(frame.columns)))
            frame.loc[row, column] = draw(cell_values)
        elif action == "drop_col" and len(frame.columns):
            frames[table] = frame.drop(columns=draw(st.sampled_from(list(frame.columns))))
        elif action == "dup_row" and len(frame):
            frames[table] = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
        elif action == "drop_table" and len(frames) > 1:
            del frames[table]
    return frames


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frames=mutated_frames(), fmt=st.sampled_from(["csv", "raw"]))
def test_mutated_files_only_raise_validation_errors(tmp_path_factory, frames, fmt):
    folder = tmp_path_factory.mktemp("mutated")
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    if fmt == "raw":  # damage the bytes of one file too
        path = folder / f"{sorted(frames)[0]}.csv"
        text = path.read_text()
        path.write_text(text[: len(text) // 2] + '"\x00,,\n' + text[len(text) // 2 :])
    try:
        ds = load_dataset(folder)
    except ValidationError as err:
        assert err.issues and all(str(issue) for issue in err.issues)
    else:  # whatever loads is well-formed and survives a round trip
        out = tmp_path_factory.mktemp("again")
        write_dataset(ds, out)
        assert load_dataset(out) == ds
