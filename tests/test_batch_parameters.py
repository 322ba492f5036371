"""Parameters checked against the notebook's parameters cell, as one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccanalysis.batch.parameters import validate_parameters
from ccanalysis.errors import UsageError

OK_NB = Path(__file__).parent / "notebooks" / "ok.ipynb"


def test_validate_parameters_accepts_declared_types():
    validate_parameters(OK_NB, {"client": "Globex", "count": 2, "share": 1})  # an int is a valid float


@pytest.mark.parametrize(
    ("parameters", "fragment"),
    [
        ({"clinet": "ACME"}, "unknown parameter 'clinet'"),
        ({"count": "3"}, "parameter 'count' must be int, got str '3'"),
        ({"count": True}, "parameter 'count' must be int, got bool"),
        ({"share": "0.5"}, "parameter 'share' must be float"),
    ],
)
def test_validate_parameters_rejects_with_one_line(parameters, fragment):
    with pytest.raises(UsageError) as caught:
        validate_parameters(OK_NB, parameters)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value)
