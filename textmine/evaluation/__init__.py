"""Evaluation: the gold set, matching and counting, reports, and Label Studio import/export."""
