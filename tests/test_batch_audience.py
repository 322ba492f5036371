"""`ccanalysis report --audience supplier`: the supplier-month reports written for the supplier, planned beside
the client's (`<supplier>.supplier.*`), with the `audience` notebook parameter and no portfolio."""

import pytest

from ccanalysis import cli
from ccanalysis.batch.parameters import validate_parameters
from ccanalysis.batch.plan import plan_jobs
from ccanalysis.errors import UsageError


def test_supplier_audience_jobs_parameters_stems_and_no_portfolio(demo_engagement):
    jobs = plan_jobs(demo_engagement, ["2026-09"], audience="supplier")
    assert [j.name for j in jobs] == ["2026-09/northwind.supplier", "2026-09/southpoint.supplier",
                                      "2026-09/eastline.supplier"]
    northwind = jobs[0]
    assert northwind.parameters == {"engagement": "demo", "supplier": "northwind", "month": "2026-09",
                                    "lang": "es", "audience": "supplier"}
    assert northwind.output_stem.parts[-3:] == ("demo", "2026-09", "northwind.supplier")
    assert northwind.paths()["html"].name == "northwind.supplier.html"
    assert northwind.title.startswith("Informe mensual para el proveedor — ")
    assert northwind.notebook.name == "supplier_month.ipynb"
    validate_parameters(northwind.notebook, northwind.parameters)  # the notebook declares `audience`
    english = plan_jobs(demo_engagement, ["2026-09"], ["northwind"], lang="en", audience="supplier")
    assert english[0].title.startswith("Monthly report for the supplier — ")
    # the portfolio is the client's: not even when asked for
    assert not [j for j in plan_jobs(demo_engagement, ["2026-09"], portfolio=True, audience="supplier")
                if "portfolio" in j.name]


def test_client_audience_is_the_default_and_unchanged(demo_engagement):
    default = plan_jobs(demo_engagement, ["2026-09"], ["northwind"])
    client = plan_jobs(demo_engagement, ["2026-09"], ["northwind"], audience="client")
    assert [j.name for j in client] == [j.name for j in default] == ["2026-09/northwind", "2026-09/portfolio"]
    assert client[0].parameters == {"engagement": "demo", "supplier": "northwind", "month": "2026-09", "lang": "es"}
    assert client[0].output_stem.name == "northwind"
    assert client[0].title.startswith("Informe mensual del proveedor — ")
    with pytest.raises(UsageError, match="audience"):
        plan_jobs(demo_engagement, ["2026-09"], audience="board")


def test_the_notebook_defaults_to_the_client():
    import papermill

    from ccanalysis import config

    declared = papermill.inspect_notebook(str(config.notebooks_dir() / "supplier_month.ipynb"))
    assert declared["audience"]["default"] == '"client"'


@pytest.mark.parametrize("other", [["--flash", "2026-09-15"], ["--scenario", "care_models"]])
def test_audience_goes_with_month_only(demo_root, capsys, other):
    for audience in ("supplier", "client"):
        code = cli.main(["report", "demo", *other, "--audience", audience, "--root", str(demo_root)])
        assert code == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "--audience goes with --month" in err, err


def test_unknown_audience_is_argparse_usage_error(demo_root, capsys):
    assert cli.main(["report", "demo", "--month", "2026-09", "--audience", "board", "--root", str(demo_root)]) == 2
    assert "invalid choice: 'board'" in capsys.readouterr().err
