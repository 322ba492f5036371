"""Billing care (issue 17): the client's billing-inquiry service — what drives the calls, what the discounts
cost and whether they keep to each agent's authority, and whether they retain customers.

- `drivers` — contacts per 1,000 bills by reason and month, repeat contacts (`REPEAT_DEFINITIONS`), the
  reasons that grow, the agent and reason outliers;
- `discounts` — discount value and cost by reason, agent and month, and the policy checks (`POLICY_CHECKS`);
- `retention` — churn at 30/90/180 days of customers who threatened to cancel, with and without a discount:
  raw (Wilson intervals), matched on strata and propensity-weighted (observational), and the net value per
  discount euro.

Pure functions on DataFrames with the columns of the `contacts`, `customers` and `bills` tables; they return
codes and numbers, never sentences (the words are in `ccanalysis/i18n/billing_care.py`).
"""
