"""The jinja2 environments over the project's `templates/` folder."""

from __future__ import annotations

from functools import cache

import jinja2

from cbam_exchange.resources import data_dir


@cache
def text_environment() -> jinja2.Environment:
    """Plain-text output for terminals: no HTML escaping, but undefined names fail loudly."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(data_dir("templates")), autoescape=False,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


@cache
def html_environment() -> jinja2.Environment:
    """HTML output: every value is escaped (supplier text is data), undefined names fail loudly."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(data_dir("templates")), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
