"""Run every benchmark of bench/ in turn (`make bench`), each printing its own figures and ratios."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ("staffing: ccanalysis vs pyworkforce", ["staffing.py"]),
    ("rating: vectorised per-contact rounding vs a Python loop", ["rating.py"]),
    ("contacts → daily activity vs a bare Parquet read", ["aggregate_contacts.py"]),
    ("audit: a 5,000-line invoice and the demo supplier-months vs the expected invoice", ["audit.py"]),
    ("simulate: 10,000 Monte Carlo draws of 5 candidates vs a per-draw loop on the exact engine", ["simulate.py"]),
    ("collections: 10 M attempts → right-party contact by hour with intervals vs a bare read", ["collections.py"]),
    ("report batch: --jobs 1, --jobs 2, --reuse-kernel and the floor",
     ["batch.py", "--engagement", "demo", "--month", "2026-08..2026-10"]),
]


def main() -> int:
    if not (HERE.parent / "parameters" / "demo" / "engagement.yaml").exists():
        print("building the demo engagement for the report benchmark", flush=True)
        subprocess.check_call([sys.executable, "-m", "ccanalysis.cli", "demo"], cwd=HERE.parent)
    failed = 0
    for title, command in BENCHMARKS:
        print(f"\n=== {title} ===", flush=True)
        code = subprocess.call([sys.executable, str(HERE / command[0]), *command[1:]], cwd=HERE.parent)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
