"""Calculations on the canonical model."""
