"""The batch: planning a month's reports and building them from parameterised notebooks.

- `plan`: months, jobs and headers of an engagement's reports; the `ccanalysis report` command.
- `jobs`: `ReportJob`, `ReportResult`, the summary table and exit code.
- `parameters`: every job's parameters checked against its notebook before any kernel starts.
- `rebuild`: the rebuild key (inputs, notebook, package fingerprint) and the up-to-date check.
- `runner`: `run_batch`: the process pool or dask cluster, progress, results in job order.
- `execute`: one report in a worker (papermill, or a kept-alive kernel), its HTML rendered there.
- `kernel`: the kept-alive kernels of `--reuse-kernel`, reset between reports.
- `cells`: reading an executed notebook (failing cell, cell timings).
- `outputs`: the driver's atomic writes of `.html`, `.ipynb` and `.json`; the writable-folder check.
- `watchdog`: a local worker ends, with its kernels, when the driver dies (even by SIGKILL).
"""
