"""Reads for the coaching app, one module per domain word."""
