"""Domain types, loading and validation, sample data."""

from stockwise.data.errors import Issue, ValidationError
from stockwise.data.io import from_frames, load_dataset, to_frames, write_dataset
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
from stockwise.data.network import Network, NetworkError

__all__ = [
    "Budget",
    "Constraints",
    "Dataset",
    "DemandHistory",
    "InventoryState",
    "Issue",
    "Item",
    "Lane",
    "Location",
    "LocationKind",
    "Network",
    "NetworkError",
    "OnOrder",
    "ServiceKind",
    "ServiceTarget",
    "StockPosition",
    "ValidationError",
    "from_frames",
    "load_dataset",
    "to_frames",
    "write_dataset",
]
