"""Collections through contact centres (issue 15): fees, KPIs, call times, the call list."""
