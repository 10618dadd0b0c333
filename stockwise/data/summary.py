"""Descriptive statistics of a demand history, including the Syntetos–Boylan demand class."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stockwise.data.model import DemandHistory

# Syntetos, Boylan & Croston (2005) cut-offs.
ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49


def demand_classes(demand: DemandHistory) -> pd.DataFrame:
    """Per series: mean demand, share of zero periods, ADI, CV² and the SBC class.

    ADI is the average inter-demand interval [periods] (periods / non-zero periods);
    CV² is the squared coefficient of variation of the non-zero demand sizes. The class is
    ``smooth`` (ADI < 1.32, CV² < 0.49), ``erratic`` (ADI < 1.32), ``intermittent``
    (CV² < 0.49) or ``lumpy``; a series that never sells is ``zero``.

    >>> import pandas as pd
    >>> from stockwise.data.io import make_demand_frame
    >>> f = make_demand_frame(pd.DataFrame({"item": "A", "location": "S",
    ...     "period": range(4), "quantity": [0.0, 2.0, 0.0, 2.0]}))
    >>> demand_classes(DemandHistory(f))[["adi", "cv2", "demand_class"]].to_dict("records")
    [{'adi': 2.0, 'cv2': 0.0, 'demand_class': 'intermittent'}]
    """
    rows = []
    for (item, location), group in demand.frame.groupby(["item", "location"], sort=True):
        q = group["quantity"].to_numpy(dtype=float)
        sizes = q[q > 0]
        adi = len(q) / len(sizes) if len(sizes) else np.inf
        cv2 = float(np.var(sizes) / np.mean(sizes) ** 2) if len(sizes) else np.nan
        if not len(sizes):
            cls = "zero"
        elif adi < ADI_CUTOFF:
            cls = "smooth" if cv2 < CV2_CUTOFF else "erratic"
        else:
            cls = "intermittent" if cv2 < CV2_CUTOFF else "lumpy"
        rows.append(
            {
                "item": item,
                "location": location,
                "periods": len(q),
                "mean": float(q.mean()),
                "zero_share": float((q == 0).mean()),
                "adi": float(adi),
                "cv2": cv2,
                "demand_class": cls,
            }
        )
    return pd.DataFrame(rows)
