"""When a customer counts as churned: the one rule the billing-care retention analysis and the retention fee
(`pricing.units.retention_outcomes`) share."""

from __future__ import annotations

import numpy as np
import pandas as pd


def churned_by(churn_date: pd.Series, day: pd.Series, days: int) -> np.ndarray:
    """Whether each customer had churned by `days` days after `day`: churn_date (the first day it is no longer a
    customer) on or before day + days. A blank churn_date (still a customer) is not churned. So with days = 30
    and the contact on day 0: churn on day 29 or 30 → churned, on day 31 → not."""
    churn = pd.to_datetime(pd.Series(churn_date).reset_index(drop=True), errors="coerce")
    until = pd.to_datetime(pd.Series(day).reset_index(drop=True)) + pd.Timedelta(days=int(days))
    return (churn <= until).fillna(False).to_numpy(dtype=bool)
