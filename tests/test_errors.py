"""Errors by class (`ccanalysis.errors`): the hierarchy, each class's exit code, and how problems read."""

import pytest

from ccanalysis.errors import (
    EXIT_BUG,
    EXIT_DONE,
    EXIT_INPUT,
    EXIT_USAGE,
    CcanalysisError,
    ContractError,
    EngagementError,
    InputError,
    Problem,
    ProblemCollector,
    UsageError,
)


def test_exit_codes_of_data_md():
    assert (EXIT_DONE, EXIT_INPUT, EXIT_USAGE, EXIT_BUG) == (0, 1, 2, 3)


@pytest.mark.parametrize("error, code, is_value_error", [
    (UsageError("unknown supplier"), 2, True),
    (InputError("no activity"), 1, False),
    (ContractError("tiers[1].up_to: must be greater than 100", "tiers[1].up_to"), 1, True),
    (EngagementError([Problem("data/x.csv", "bad")]), 1, False),
])
def test_each_class_has_its_exit_code(error, code, is_value_error):
    assert isinstance(error, CcanalysisError) and error.exit_code == code
    assert isinstance(error, ValueError) is is_value_error


def test_contract_and_engagement_errors_are_invalid_input():
    assert issubclass(ContractError, InputError) and issubclass(EngagementError, InputError)
    assert not issubclass(UsageError, InputError)
    error = ContractError("unit: required", "services[0].charges[1].unit")
    assert error.path == "services[0].charges[1].unit" and str(error) == "unit: required"
    assert ContractError("no path").path is None


def test_a_problem_names_file_row_column_and_value():
    assert str(Problem("data/a.csv", "expected a whole number", row=3, column="offered", value="x")) == \
        "data/a.csv, row 3, column offered: expected a whole number (value: 'x')"
    # a YAML key path has no row
    assert str(Problem("contracts/acme.yaml", "required", column="services[0].id")) == \
        "contracts/acme.yaml, services[0].id: required"
    assert Problem("a.csv", "empty").where() == "a.csv"


def test_an_engagement_error_lists_every_problem_up_to_a_limit():
    problems = [Problem("a.csv", f"bad {i}", row=i + 2) for i in range(3)]
    error = EngagementError(problems, title="Engagement 'x' has errors")
    assert str(error).splitlines() == ["Engagement 'x' has errors: 3 problem(s)", "  - a.csv, row 2: bad 0",
                                       "  - a.csv, row 3: bad 1", "  - a.csv, row 4: bad 2"]
    assert error.report(limit=1).splitlines()[-1] == "  … and 2 more"
    assert error.problems == problems


def test_the_collector_raises_once_with_everything():
    found = ProblemCollector()
    found.raise_if_any()  # nothing found: nothing raised
    assert not found
    found.add("a.csv", "bad", row=2, column="offered", value=-1)
    found.extend([Problem("b.csv", "worse")])
    with pytest.raises(EngagementError) as info:
        found.raise_if_any("Cannot load")
    assert [p.file for p in info.value.problems] == ["a.csv", "b.csv"] and info.value.title == "Cannot load"
    assert info.value.problems[0] == Problem("a.csv", "bad", row=2, column="offered", value=-1)
