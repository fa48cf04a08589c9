"""Scoring pipelines against gold annotations: metrics, reports, agreement, benchmark."""
