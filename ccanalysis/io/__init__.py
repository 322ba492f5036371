"""The I/O layer: from an engagement's files to a validated `Engagement`, every problem located.

    reading   one table file (.csv/.xlsx/.parquet) → a raw frame of text cells (or Parquet's typed columns)
    parsing   cell texts → exact decimals, integers, dates, durations, flags (vectorised, pure)
    mapping   a foreign file layout → the canonical columns (parameters/ENG/mappings/*.yaml)
    schemas   the canonical tables of data.md: columns, types, ranges, keys; the pandera checks
    tables    one file → the table's canonical DataFrame (read, mapped, parsed, typed, validated)
    rows      data.md's row rules on a table made of all its files (daily sums, duplicate keys)
    problems  the per-file problem sink (a cap per column and rule)
    yamlio    YAML parameter files with exact numbers
    invoice_rules  the suppliers' invoice-line rules (mappings/invoice_lines_SUPPLIER.yaml) and the
              matching decisions register (data/ENG/labels/invoice_lines.csv)
    loader    `load`: settings, contracts, mappings and every table of an engagement, validated as a whole
    checks    the cross-file checks (references, granularity, columns the contract needs, invoice names)
    cache     `load_cached`: the validated engagement reused while the package and its inputs are unchanged
"""
