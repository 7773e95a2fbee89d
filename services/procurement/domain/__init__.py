"""Procurement (采购) rules, to come: plans, thresholds, market research, suppliers, tenders and awards."""
