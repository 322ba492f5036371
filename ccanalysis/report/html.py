"""Self-contained HTML from an executed report notebook: code hidden, a header, nothing fetched from any host.

The body comes from nbconvert's `basic` template (cells only, no `<head>`, so none of the `lab`/`classic`
templates' require.js, MathJax CDN script or web fonts), wrapped in a minimal page with inline CSS and a
Content-Security-Policy that forbids loading anything but `data:` URIs and running any script. Figures are
embedded as `data:` URIs by the notebook outputs themselves (matplotlib inline PNG/SVG). The same executed
notebook gives the same bytes, apart from the header's generation time.
"""

from __future__ import annotations

import copy
import html as html_lib
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from html.parser import HTMLParser

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

import ccanalysis
from ccanalysis.i18n import check_lang, format_date, label
from ccanalysis.report.results import RESULTS_MIME

#: Tags papermill gives to the cells it adds (injected parameters, error markers); not the author's cells.
PAPERMILL_TAGS = frozenset({"injected-parameters", "papermill-error-cell-tag"})

#: Output MIME types never shown in a client report (interactive-only, or machine-readable results).
HIDDEN_MIMES = (
    RESULTS_MIME,
    "application/javascript",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
)

#: Only `data:` resources and inline style, no script at all (reports have none; `<script>` elements are
#: removed from the page too): a browser contacts no host and runs nothing, even if an output slips one in.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; font-src data:; media-src data:; "
    "style-src 'unsafe-inline'; script-src 'none'"
)

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>|<script\b[^>]*/?>", re.IGNORECASE | re.DOTALL)

REPORT_CSS = """
:root { --ink: #1f2933; --muted: #52606d; --rule: #d9e2ec; --band: #f5f7fa; --accent: #1f4e79; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main.report { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; }
header.report-header { border-bottom: 3px solid var(--accent); margin-bottom: 24px; padding-bottom: 12px; }
header.report-header h1 { margin: 0 0 12px; color: var(--accent); font-size: 1.7em; }
header.report-header dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0;
  font-size: 0.92em; }
header.report-header dt { color: var(--muted); font-weight: 600; }
header.report-header dd { margin: 0; }
header.report-header ul { margin: 0; padding-left: 1.1em; }
h1, h2, h3, h4 { color: var(--accent); line-height: 1.25; }
h2 { border-bottom: 1px solid var(--rule); padding-bottom: 4px; margin-top: 1.8em; }
.cell, .output_wrapper, .output, .output_area, .output_subarea { margin: 0; padding: 0; }
.output_subarea { margin: 8px 0; overflow-x: auto; }
.output_text pre, .output_stream pre, pre { font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace;
  background: var(--band); padding: 8px 12px; border-radius: 4px; white-space: pre-wrap; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.9em; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 10px; text-align: right; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td:first-child, th:first-child { text-align: left; }
tbody tr:nth-child(even) { background: #fbfcfd; }
img, svg { max-width: 100%; height: auto; }
a.anchor-link { display: none; }
/* the print frame: a one-row table whose <thead> (the running header) Chromium repeats on every printed
   page; on screen it is plain blocks and the running header is hidden */
table.print-frame, table.print-frame > tbody, table.print-frame > tbody > tr,
table.print-frame > tbody > tr > td { display: block; margin: 0; padding: 0; border: 0; background: none;
  text-align: left; font-size: inherit; }
table.print-frame > thead { display: none; }
.running-header { color: var(--muted); font-size: 9pt; text-align: left; font-weight: 400; }
@media print {
  @page { size: A4; margin: 14mm 12mm 16mm; }
  body { font-size: 10pt; }
  main.report { max-width: none; padding: 0; }
  table.print-frame { display: table; width: 100%; border-collapse: collapse; margin: 0; }
  table.print-frame > thead { display: table-header-group; }
  table.print-frame > tbody { display: table-row-group; }
  table.print-frame > tbody > tr, table.print-frame > thead > tr { display: table-row; background: none; }
  table.print-frame > tbody > tr > td { display: table-cell; }
  table.print-frame > thead > tr > th { background: none; border: 0; border-bottom: 1px solid var(--rule);
    padding: 0 0 3mm; }
  .running-header span { white-space: nowrap; }
  .running-header span + span::before { content: " · "; }
  .running-title { font-weight: 600; }
  .cca-section { break-before: page; }
  .cca-section.first-section { break-before: auto; }
  table:not(.print-frame), figure, img, svg, .cca-kpi { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .output_subarea { overflow: visible; }
}
"""

#: The header facts repeated at the top of every printed page, after the title.
RUNNING_HEADER_KEYS = ("client", "supplier", "month", "as_of", "scenario")


def _drop_hidden_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without interactive/machine-only outputs and stderr streams (warnings are not for clients),
    whose cells added by papermill get fixed ids (papermill draws random ones: the HTML would differ)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        added = [tag for tag in tags if tag in PAPERMILL_TAGS]
        if added:
            cell["id"] = f"{added[0]}-{index}"
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data")
            if data is not None:
                if RESULTS_MIME in data:
                    continue
                for mime in HIDDEN_MIMES:
                    data.pop(mime, None)
                if not data:
                    continue
            kept.append(output)
        cell["outputs"] = kept
    return nb


def _format_datetime(moment: datetime, lang: str) -> str:
    moment = moment.astimezone() if moment.tzinfo else moment
    zone = moment.strftime(" %Z") if moment.tzinfo else ""
    if lang == "es":
        return moment.strftime("%d/%m/%Y %H:%M") + zone
    return moment.strftime("%Y-%m-%d %H:%M") + zone


def _format_value(value: object, lang: str) -> str:
    """One header value as HTML: ranges as 'start – end', mappings and lists as bullet lists."""
    if isinstance(value, datetime):
        return html_lib.escape(_format_datetime(value, lang))
    if isinstance(value, date):
        return html_lib.escape(format_date(value, lang))
    if isinstance(value, Mapping):
        if set(value) >= {"name"} and (set(value) & {"start", "end", "from", "to", "range"}):
            start = value.get("start", value.get("from"))
            end = value.get("end", value.get("to"))
            span = value.get("range") or f"{_plain(start, lang)} – {_plain(end, lang)}"
            return f"{html_lib.escape(str(value['name']))}: {html_lib.escape(str(span))}"
        items = "".join(
            f"<li>{html_lib.escape(str(k))}: {_format_value(v, lang)}</li>" for k, v in value.items()
        )
        return f"<ul>{items}</ul>"
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) == 2 and all(isinstance(v, (str, date)) for v in value):
            return f"{_format_value(value[0], lang)} – {_format_value(value[1], lang)}"
        return "<ul>" + "".join(f"<li>{_format_value(v, lang)}</li>" for v in value) + "</ul>"
    return html_lib.escape(str(value))


def _plain(value: object, lang: str) -> str:
    if isinstance(value, date):
        return format_date(value, lang)
    return "" if value is None else str(value)


def header_html(header: Mapping[str, object], *, title: str, lang: str = "en") -> str:
    """The report's header block: the title and one labelled line per `header` key, in `lang`."""
    rows = "".join(
        f"<dt>{html_lib.escape(label('header_' + key, lang))}</dt><dd>{_format_value(value, lang)}</dd>"
        for key, value in header.items()
        if value is not None
    )
    return (
        f'<header class="report-header"><h1>{html_lib.escape(title)}</h1>'
        f'<dl class="report-meta">{rows}</dl></header>'
    )


def running_header_html(header: Mapping[str, object], *, title: str, lang: str = "en") -> str:
    """What is printed at the top of every page: the title, and a line with client, supplier, month (those
    given)."""
    facts = "".join(
        f"<span>{html_lib.escape(label('header_' + key, lang))}: {_format_value(header[key], lang)}</span>"
        for key in RUNNING_HEADER_KEYS
        if header.get(key) is not None
    )
    return (f'<div class="running-header"><div class="running-title">{html_lib.escape(title)}</div>'
            f'<div class="running-facts">{facts}</div></div>')


_FIRST_SECTION = re.compile(r'class="cca-section"')


def notebook_to_html(
    nb: nbformat.NotebookNode,
    *,
    title: str,
    header: Mapping[str, object],
    lang: str = "en",
    generated: datetime | None = None,
) -> str:
    """A self-contained HTML page of an executed notebook: code and prompts hidden, header on top.

    `header` keys (client, supplier, month, data_sources…) are labelled in `lang` ("en" or "es");
    `generated` (default: now) and `version` (the installed ccanalysis) are added when absent.
    Cells tagged `remove-cell` are dropped, `remove-output` lose their outputs. Printed (or `--pdf`), the
    page is A4 with the title, client, supplier and month repeated at the top of every page (the `<thead>`
    of a one-cell frame table, which browsers repeat on each page) and each section after the first on a
    new page.
    """
    check_lang(lang)
    full_header = dict(header)
    full_header.setdefault("generated", generated or datetime.now().astimezone())
    full_header.setdefault("version", ccanalysis_version())

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        anchor_link_text="",
    )
    tags = TagRemovePreprocessor(
        remove_cell_tags={"remove-cell"}, remove_all_outputs_tags={"remove-output"}, enabled=True
    )
    exporter.register_preprocessor(tags, enabled=True)
    body, _ = exporter.from_notebook_node(_drop_hidden_outputs(nb))
    body = _SCRIPT.sub("", body)
    body = _FIRST_SECTION.sub('class="cca-section first-section"', body, count=1)  # no page break before it
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="ccanalysis {html_lib.escape(ccanalysis_version())}">\n'
        f"<title>{html_lib.escape(title)}</title>\n<style>{REPORT_CSS}</style>\n</head>\n"
        '<body>\n<table class="print-frame"><thead><tr><th>'
        f"{running_header_html(full_header, title=title, lang=lang)}</th></tr></thead><tbody><tr><td>\n"
        f'<main class="report">\n{header_html(full_header, title=title, lang=lang)}\n'
        f"{body}\n</main>\n</td></tr></tbody></table>\n</body>\n</html>\n"
    )


def ccanalysis_version() -> str:
    """The installed ccanalysis version (also when `ccanalysis` was imported as a namespace package)."""
    version = getattr(ccanalysis, "__version__", None)
    if version:
        return version
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("ccanalysis")
    except PackageNotFoundError:
        return "0.0.0"


# --- self-containment check ----------------------------------------------------------------------

#: Attributes whose URL a browser loads by itself (hyperlinks `<a href>` are only followed on a click).
_RESOURCE_ATTRIBUTES = {"src", "href", "xlink:href", "data", "poster", "background", "action", "formaction"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"""(?:https?:|wss?:)?//[\w.-]+\.[a-z]{2,}[^\s'"`)<>]*""", re.IGNORECASE)
_SELF_CONTAINED = ("data:", "#", "about:", "javascript:", "blob:", "mailto:")


def _is_external(url: str) -> bool:
    url = url.strip()
    return bool(url) and not url.lower().startswith(_SELF_CONTAINED)


def _srcset_urls(value: str) -> list[str]:
    """URLs of a srcset, as the HTML standard splits it: a URL is a run of non-space characters (trailing
    commas end the candidate), then descriptors up to the next comma."""
    urls, position = [], 0
    while position < len(value):
        match = re.compile(r"[\s,]*(\S*)").match(value, position)
        url = match.group(1)
        position = match.end()
        if not url:
            break
        if url.endswith(","):
            urls.append(url.rstrip(","))
            continue
        urls.append(url)
        comma = value.find(",", position)
        position = len(value) if comma < 0 else comma + 1
    return urls


class _UrlCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in: str | None = None

    def _css(self, text: str) -> None:
        for match in _CSS_URL.finditer(text):
            url = match.group(2) if match.group(2) is not None else match.group(4)
            if url is not None and _is_external(url):
                self.urls.append(url.strip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in = tag if tag in ("style", "script") else None
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self._css(value)
            elif name == "srcset":
                self.urls.extend(url for url in _srcset_urls(value) if _is_external(url))
            elif name == "content" and tag == "meta" and "url=" in value.lower():
                url = value[value.lower().index("url=") + 4 :].strip("'\" ")
                if _is_external(url):
                    self.urls.append(url)
            elif name in _RESOURCE_ATTRIBUTES and tag not in ("a", "area"):
                if _is_external(value):
                    self.urls.append(value.strip())

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self._css(data)
        elif self._in == "script":
            self.urls.extend(m.group(0) for m in _SCRIPT_URL.finditer(data))


def external_urls(html: str) -> list[str]:
    """Every URL in `html` a browser would load from somewhere else than the page itself.

    Covers src/href/data/poster/srcset attributes (not `<a href>` hyperlinks, which load nothing until
    clicked), CSS `url()` and `@import` in `<style>` and style attributes, meta refresh, and URL-like
    strings in inline scripts. `data:` URIs and `#fragments` are self-contained; relative paths are
    reported too (they would need a file beside the report).
    """
    collector = _UrlCollector()
    collector.feed(html)
    collector.close()
    return collector.urls
