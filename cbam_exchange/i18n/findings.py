"""Findings in the reader's language: the rule's message template and remedy translated, then filled with the same
values. Codes, cells, values and legal references stay as they are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import cache

from cbam_exchange.checks.catalogue import Rule, all_rules
from cbam_exchange.checks.findings import Finding
from cbam_exchange.i18n import DEFAULT, gettext_for


@cache
def _rules() -> dict[str, Rule]:
    return {r.code: r for r in all_rules()}


def localise(findings: Iterable[Finding], lang: str) -> list[Finding]:
    """Copies of `findings` with message and remedy in `lang`; a finding whose text did not come from its rule's
    template verbatim (or a language without a translation) keeps its English text."""
    findings = list(findings)
    if lang == DEFAULT:
        return findings
    _ = gettext_for(lang)
    out = []
    for f in findings:
        rule = _rules().get(f.rule)
        if rule is None:
            out.append(f)
            continue
        message = f.message
        try:
            if rule.message.format(**f.args) == f.message:
                message = _(rule.message).format(**f.args)
        except (KeyError, IndexError, ValueError):
            pass
        remedy = _(rule.remedy) if f.remedy == rule.remedy else f.remedy
        out.append(replace(f, message=message, remedy=remedy))
    return out
