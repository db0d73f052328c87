"""Waivers: justified exceptions to findings, by fingerprint, in a YAML or JSON file.

    waivers:
      - fingerprint: 3f2a9c0d1e4b5a6c
        rule: PH-001                       # optional, must match where given
        who: J. Becker, Rheinland Carbon Verification
        why: lower default applies to route C; plant runs route C/F, evidence in file 12
        until: 2027-09-30

A waiver needs who, why and until; it applies while `until` has not passed. Errors of the blocking kind cannot be
waived: the finding stays and says that the waiver was refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cbam_exchange.checks.catalogue import all_rules
from cbam_exchange.checks.findings import Finding
from cbam_exchange.errors import UnreadableInput
from cbam_exchange.readers.mapping_file import read_mapping_file


@dataclass(frozen=True)
class Waiver:
    fingerprint: str
    who: str
    why: str
    until: dt.date
    rule: str | None = None


def load_waivers(path: Path) -> list[Waiver]:
    name = str(path)
    data = read_mapping_file(path, "waiver file")
    items = data.get("waivers")
    if not isinstance(items, list):
        raise UnreadableInput(name, "waiver file has no list 'waivers'", expected="waivers: [{fingerprint, who, "
                                                                                   "why, until}, ...]")
    out = []
    for k, item in enumerate(items):
        where = f"waivers[{k}]"
        if not isinstance(item, dict):
            raise UnreadableInput(name, "a waiver must be a mapping", location=where)
        missing = [key for key in ("fingerprint", "who", "why", "until") if not item.get(key)]
        if missing:
            raise UnreadableInput(name, f"a waiver lacks {', '.join(missing)}", location=where,
                                  expected="fingerprint, who, why and until")
        until = item["until"]
        try:
            until = until if isinstance(until, dt.date) else dt.date.fromisoformat(str(until))
        except ValueError:
            raise UnreadableInput(name, "'until' is not a date", location=where, found=repr(until),
                                  expected="YYYY-MM-DD") from None
        out.append(Waiver(str(item["fingerprint"]), str(item["who"]), str(item["why"]), until,
                          str(item["rule"]) if item.get("rule") else None))
    return out


def apply_waivers(findings: list[Finding], waivers: list[Waiver], today: dt.date | None = None
                  ) -> tuple[list[Finding], list[Finding]]:
    """(findings still open, findings waived). Each finding records the waiver applied or refused."""
    today = today or dt.date.today()
    blocking = {r.code for r in all_rules() if r.blocking}
    by_print = {w.fingerprint: w for w in waivers}
    open_, waived = [], []
    for f in findings:
        w = by_print.get(f.fingerprint)
        if w is None or (w.rule and w.rule != f.rule):
            open_.append(f)
            continue
        record = {"who": w.who, "why": w.why, "until": w.until.isoformat()}
        if f.rule in blocking:
            f.waiver = {**record, "refused": "errors of this rule block the submission and cannot be waived"}
            open_.append(f)
        elif w.until < today:
            f.waiver = {**record, "refused": f"the waiver expired on {w.until.isoformat()}"}
            open_.append(f)
        else:
            f.waiver = record
            waived.append(f)
    return open_, waived
