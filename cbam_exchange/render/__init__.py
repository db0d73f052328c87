"""Renderers turn models and results into text a person reads."""
