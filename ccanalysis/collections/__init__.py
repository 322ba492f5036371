"""Collections through contact centres (issue 15): debt placed with agencies, their attempts and the payments.

`fees` says which agency a payment counts for and gives the records the contract engine prices; `kpis` holds
the named collections KPIs (`COLLECTIONS_KPIS`, `collections_kpi`); `vintage` the liquidation curves by
placement month and the fair comparison of agencies on a common mix (`compare_agencies`); `calltime` the
right-party contact rate by hour and weekday and the legal calling rules; `calllist` tomorrow's call list. Pure
functions on the tables of collections_spec.md (placements, attempts, payments): exact `Fraction`s and
`Decimal`s, codes and numbers only, no I/O.
"""
