"""A report's PDF, printed from its HTML by headless Chromium with the network off (`ccanalysis report --pdf`).

The page's own print CSS (`report.html`) lays it out on A4 with the report's header on every page.
Chromium is found on the PATH (`chromium`, `chromium-browser` or `google-chrome`); it gets a dead proxy,
no name resolution and its own throw-away profile, so printing contacts no host and leaves nothing behind.
The PDF is written to a temporary name beside its final one, then renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ccanalysis.errors import InputError, UsageError

#: The names Chromium goes by on the PATH, in the order they are looked for.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: Seconds one report may take to print.
PRINT_TIMEOUT_S = 180


class PdfError(InputError):
    """Chromium could not print a report's HTML to PDF: that report failed, the batch goes on."""


def find_chromium() -> str | None:
    """The path of the Chromium binary on the PATH, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """The Chromium binary, or a one-line UsageError saying how to install it (checked before any report)."""
    found = find_chromium()
    if found is None:
        raise UsageError("--pdf needs headless Chromium, and none was found on the PATH (chromium, "
                         "chromium-browser or google-chrome): install it (apt-get install chromium) or "
                         "leave out --pdf")
    return found


def chromium_command(chromium: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    """Headless Chromium printing `html` to `pdf` offline: a dead proxy, no name resolution, its own profile."""
    return [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
        "--no-pdf-header-footer", "--print-to-pdf-no-header", f"--print-to-pdf={pdf}",
        Path(html).resolve().as_uri(),
    ]


def html_to_pdf(html: Path, pdf: Path, *, chromium: str | None = None,
                timeout_s: float = PRINT_TIMEOUT_S) -> Path:
    """Print `html` to `pdf` (atomically); PdfError (one line) when Chromium is missing, fails or times out."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise PdfError("no Chromium on the PATH to print the PDF (apt-get install chromium)")
    pdf = Path(pdf)
    fd, temporary = tempfile.mkstemp(prefix=f".{pdf.name}.", suffix=".tmp", dir=pdf.parent)
    os.close(fd)
    temporary = Path(temporary)
    try:
        with tempfile.TemporaryDirectory(prefix="ccanalysis-chromium-") as profile:
            try:
                run = subprocess.run(chromium_command(chromium, html, temporary, Path(profile)),
                                     capture_output=True, text=True, timeout=timeout_s)
            except subprocess.TimeoutExpired:
                raise PdfError(f"Chromium did not print {Path(html).name} within {timeout_s:.0f} s") from None
            except OSError as error:
                raise PdfError(f"Chromium ({chromium}) could not be started: {error.strerror or error}") from None
        with temporary.open("rb") as handle:
            start = handle.read(5)
        if run.returncode != 0 or start != b"%PDF-":
            last = next((line for line in reversed(run.stderr.splitlines()) if line.strip()), "no message")
            raise PdfError(f"Chromium could not print {Path(html).name} to PDF (exit {run.returncode}): "
                           f"{last.strip()[:300]}")
        os.replace(temporary, pdf)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    return pdf
