"""Human summary of one submission (`cbam inspect`)."""

from __future__ import annotations

from pathlib import Path

from cbam_exchange.model.identity import installation_id
from cbam_exchange.model.submission import Submission
from cbam_exchange.render import formatting
from cbam_exchange.render.environment import text_environment


def render_inspect(submission: Submission, file: Path) -> str:
    declared = {p.row: p for p in submission.declared.products} if submission.declared else {}
    return text_environment().get_template("inspect.txt.j2").render(
        s=submission, file=file, declared_products=declared, fmt=formatting,
        installation_id=installation_id(submission))
