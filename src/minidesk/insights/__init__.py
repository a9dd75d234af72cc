"""Insights: customer surveys (CSAT, NPS, CES) and the KPI report, both read from the event log."""
