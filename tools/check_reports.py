"""Check written reports in headless Chromium, network off: `python tools/check_reports.py REPORT_DIR [...]`.

For every `*.html` under each REPORT_DIR (or each HTML file given), in the language of its `<html lang>`:

- console: no console message (an outside request the page's CSP blocked, a script error…);
- overflow: no element reaching past the right edge of a `--width`-pixel window (elements inside a
  scrolling box, e.g. a wide table in its own horizontal scroll, are not counted: the page does not overflow);
- language: no phrase (two words or more) of the other language from the report vocabulary
  (every table of `ccanalysis.i18n`) that is not also a phrase of the report's language;
  the engagement's own words (the strings of `parameters/ENG/*.yaml` and its contracts, e.g. a charge
  description written in Spanish, shown as such in an English report) do not count.

The page is measured with a small script appended to a temporary copy of it, allowed by a nonce added to the
copy's Content-Security-Policy (the report itself runs no script). Prints one line per finding and exits 1
when there is any, 0 when there is none (2: no Chromium, or nothing to check).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

NONCE = "ccanalysis-check"
WIDTH, HEIGHT = 1280, 2000
MARKER = "cca-check-result"

#: Appended before `</body>` of the copy: after load, the innermost elements (a table cell: its table) whose
#: box or content reaches past the window's right edge with no scrolling box clipping it, and the visible text,
#: as JSON in `<pre id=MARKER>`.
PROBE = """
<script nonce="%(nonce)s">
window.addEventListener("load", function () {
  var width = document.documentElement.clientWidth;
  function clipped(element) {
    for (var p = element.parentElement; p && p !== document.body; p = p.parentElement) {
      var overflow = getComputedStyle(p).overflowX;
      if (overflow !== "visible") return true;
    }
    return false;
  }
  function right(element) {  // the box's right edge, or its content's when that spills out of the box
    var box = element.getBoundingClientRect();
    var spills = getComputedStyle(element).overflowX === "visible" && element.scrollWidth > element.clientWidth;
    return Math.max(box.right, spills ? box.left + element.scrollWidth : 0);
  }
  function describe(element) {
    var name = element.tagName.toLowerCase();
    if (element.id) name += "#" + element.id;
    if (element.classList.length) name += "." + Array.from(element.classList).join(".");
    var text = (element.innerText || "").replace(/\\s+/g, " ").trim().slice(0, 80);
    return {element: name, right: Math.round(right(element)), text: text};
  }
  var wide = Array.from(document.querySelectorAll("body *")).filter(function (e) {
    return right(e) > width + 1 && !clipped(e);
  });
  // the innermost elements past the edge (their ancestors are only carried along), a table cell by its table
  var innermost = wide.filter(function (e) {
    return !wide.some(function (other) { return other !== e && e.contains(other); });
  });
  var named = [];
  innermost.forEach(function (e) {
    var shown = e.closest("table:not(.print-frame)") || e;
    if (named.indexOf(shown) < 0) named.push(shown);
  });
  var result = {width: width, scrollWidth: document.documentElement.scrollWidth,
                overflow: named.map(describe), text: document.body.innerText};
  var pre = document.createElement("pre");
  pre.id = "%(marker)s";
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
});
</script>
"""


@dataclass(frozen=True)
class Finding:
    report: Path
    kind: str  # console, overflow, language, check
    detail: str

    def __str__(self) -> str:
        return f"{self.report}: {self.kind}: {self.detail}"


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


# ------------------------------------------------------------------------------------------ vocabulary
def _strings(value: object, lang: str) -> Iterator[str]:
    """Every string of `lang` in an i18n table: dicts keyed by language (values a string or a tuple of
    strings), nested in dicts of any depth."""
    if isinstance(value, dict):
        if lang in value and set(value) <= {"es", "en"}:
            words = value[lang]
            if isinstance(words, str):
                yield words
            elif isinstance(words, (tuple, list)):
                yield from (w for w in words if isinstance(w, str))
            elif isinstance(words, dict):
                yield from _strings(words, lang)
            return
        if set(value) == {"es", "en"}:
            return
        for inner in value.values():
            yield from _strings(inner, lang)


_FIELD = re.compile(r"\{[^{}]*\}|%\([^)]*\)[a-z]|\s[-–—:;,/=]\s|[()\[\]«»\"“”]")


def _phrases(text: str) -> Iterator[str]:
    """The literal runs of a label or template (fields and punctuation cut it), stripped, lower-cased."""
    for part in _FIELD.split(text):
        part = " ".join(part.split()).strip(" .,:;!?¿¡-–—·'")
        if part:
            yield part.lower()


def vocabulary(lang: str) -> set[str]:
    """Every phrase (lower case) of the report vocabulary in `lang`."""
    from ccanalysis.i18n import audit, deviations, disputes, domain, matching, report, simulation

    phrases: set[str] = set()
    for module in (report, domain, audit, deviations, disputes, matching, simulation):
        for name, table in vars(module).items():
            if name.startswith("__") or not isinstance(table, dict):
                continue
            for text in _strings(table, lang):
                phrases.update(_phrases(text))
    return phrases


def foreign_phrases(lang: str) -> list[str]:
    """Phrases of the other language, two words or more, that are not phrases (or part of a phrase) of `lang`."""
    other = "en" if lang == "es" else "es"
    own = vocabulary(lang)
    own_text = "\n".join(sorted(own))
    return sorted(p for p in vocabulary(other)
                  if len(p.split()) >= 2 and p not in own and p not in own_text and re.search(r"[^\W\d_]", p))


def engagement_words(report: Path) -> list[str]:
    """Every string (lower case) of the engagement's own files for a report at `reports/ENG/FOLDER/x.html`:
    the values in `parameters/ENG/*.yaml` and `parameters/ENG/contracts/*.yaml` (names, charge descriptions),
    written in whatever language the consultant wrote them; [] when that folder is not there."""
    import yaml

    report = Path(report).resolve()
    if len(report.parents) < 4:
        return []
    folder = report.parents[3] / "parameters" / report.parents[1].name
    words: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            words.append(" ".join(value.split()).lower())
        elif isinstance(value, dict):
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for path in sorted([*folder.glob("*.yaml"), *folder.glob("contracts/*.yaml")]):
        try:
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError):
            continue
    return words


def _whole(phrase: str, text: str) -> re.Match | None:
    return re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text)


def language_findings(text: str, lang: str, phrases: Iterable[str] | None = None,
                      own_words: Iterable[str] = ()) -> list[str]:
    """The phrases of the other language found in `text` (whole words, case-insensitive), not counting the
    engagement's own words shown on the page (`own_words`, e.g. a charge description the contract gives in
    its own language: the consultant's words, not the report's)."""
    flat = " ".join(text.split()).lower()
    for word in sorted({w for w in own_words if len(w) > 1}, key=len, reverse=True):
        flat = re.sub(r"(?<!\w)" + re.escape(word) + r"(?!\w)", " ¦ ", flat)
    found = []
    for phrase in phrases if phrases is not None else foreign_phrases(lang):
        match = _whole(phrase, flat)
        if match:
            start = max(0, match.start() - 40)
            found.append(f"{phrase!r} in “…{flat[start:match.end() + 40]}…”")
    return found


# ------------------------------------------------------------------------------------------ browser
def _chromium(chromium: str, page: Path, profile: Path, width: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--enable-logging=stderr", "--v=0", f"--window-size={width},{HEIGHT}", "--hide-scrollbars",
         "--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000", "--dump-dom",
         page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120,
    )


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def probed_copy(html: str) -> str:
    """The page with the probe appended and its CSP allowing that one script (by nonce), nothing else."""
    if "script-src 'none'" not in html:
        raise ValueError("not a ccanalysis report: no Content-Security-Policy with script-src 'none'")
    html = html.replace("script-src 'none'", f"script-src 'nonce-{NONCE}'", 1)
    probe = PROBE % {"nonce": NONCE, "marker": MARKER}
    at = html.rfind("</body>")
    return html[:at] + probe + html[at:] if at >= 0 else html + probe


def _lang(html: str) -> str:
    match = re.search(r'<html[^>]*\blang="([a-z]{2})"', html)
    return match.group(1) if match else "en"


def check_report(path: Path, chromium: str, *, width: int = WIDTH,
                 phrases: dict[str, list[str]] | None = None) -> list[Finding]:
    """The findings of one report (an empty list when it is clean)."""
    import html as html_lib

    source = path.read_text(encoding="utf-8")
    lang = _lang(source)
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="ccanalysis-check-") as scratch:
        copy = Path(scratch) / path.name
        copy.write_text(probed_copy(source), encoding="utf-8")
        run = _chromium(chromium, copy, Path(scratch) / "profile", width)
    findings += [Finding(path, "console", line.strip()) for line in console_messages(run.stderr)]
    match = re.search(rf'<pre id="{MARKER}">(.*?)</pre>', run.stdout, re.DOTALL)
    if run.returncode != 0 or match is None:
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        return [*findings, Finding(path, "check", f"Chromium gave no measurement (exit {run.returncode}): {last}")]
    result = json.loads(html_lib.unescape(match.group(1)))
    for wide in result["overflow"]:
        findings.append(Finding(path, "overflow", f"<{wide['element']}> reaches {wide['right']} px of "
                                                  f"{result['width']}: “{wide['text']}”"))
    if not result["overflow"] and result["scrollWidth"] > result["width"] + 1:  # no element to name
        findings.append(Finding(path, "overflow", f"the page scrolls sideways ({result['scrollWidth']} px "
                                                  f"of {result['width']})"))
    found = language_findings(result["text"], lang, (phrases or {}).get(lang), engagement_words(path))
    findings += [Finding(path, "language", f"[{lang}] {text}") for text in found]
    return findings


def report_files(targets: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for target in targets:
        target = Path(target)
        files += sorted(target.rglob("*.html")) if target.is_dir() else [target]
    return files


def check_reports(targets: Iterable[Path], *, width: int = WIDTH, chromium: str | None = None) -> list[Finding]:
    """Every finding in the reports under `targets` (folders, searched recursively, or HTML files)."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise RuntimeError("no Chromium on the PATH (apt-get install chromium)")
    phrases = {lang: foreign_phrases(lang) for lang in ("es", "en")}
    findings: list[Finding] = []
    for path in report_files(targets):
        findings += check_report(path, chromium, width=width, phrases=phrases)
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="+", type=Path, help="report folders (searched recursively) or HTML files")
    parser.add_argument("--width", type=int, default=WIDTH, help=f"window width in pixels (default {WIDTH})")
    args = parser.parse_args(argv)
    files = report_files(args.targets)
    if not files:
        print("check_reports: no HTML report found", file=sys.stderr)
        return 2
    try:
        findings = check_reports(files, width=args.width)
    except RuntimeError as error:
        print(f"check_reports: {error}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    print(f"{len(files)} report(s) checked, {len(findings)} finding(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
