"""Waivers: justified exceptions to findings, by fingerprint, in a YAML or JSON file.

    waivers:
      - fingerprint: 3f2a9c0d1e4b5a6c
        installation: INST-4F1C2B9A0D3E        # required: the installation the waiver is for (cbam inspect)
        sha256: 9b1d...                        # optional: only this exact file
        rule: PH-001                           # optional, must match where given
        who: J. Becker, Rheinland Carbon Verification
        why: lower default applies to route C; plant runs route C/F, evidence in file 12
        until: 2027-09-30                      # the last day on which the waiver applies

A waiver needs fingerprint, installation, who, why and until; it applies to findings of that installation (and of
that file, where sha256 is given) up to and including `until`. A fingerprint alone is not enough: the same finding
in another supplier's file has the same fingerprint, so an unscoped waiver would silence it in every file of a
batch. Waiver files without `installation` are therefore refused (exit 2) with a message saying what to add.
Errors of the blocking kind cannot be waived: the finding stays and says that the waiver was refused.
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
    installation: str
    rule: str | None = None
    sha256: str | None = None

    def covers(self, finding: Finding, installation: str, sha256: str | None) -> bool:
        """Whether this waiver is about this finding of this installation (and file, where scoped to one)."""
        return (self.fingerprint == finding.fingerprint and self.installation.upper() == installation.upper()
                and (self.rule is None or self.rule == finding.rule)
                and (self.sha256 is None or (sha256 is not None and self.sha256.lower() == sha256.lower())))


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
                                  expected="fingerprint, installation, who, why and until")
        if not item.get("installation"):
            raise UnreadableInput(name, "a waiver is not scoped to an installation, so it would silence the same "
                                        "finding in every supplier's file", location=where,
                                  expected="installation: INST-... (the id shown by `cbam inspect` and in the "
                                           "findings JSON), and optionally sha256: of the one file")
        until = item["until"]
        try:
            if isinstance(until, dt.datetime):  # YAML reads "2027-09-30 18:00" as a datetime: its day counts
                until = until.date()
            elif not isinstance(until, dt.date):
                until = dt.date.fromisoformat(str(until))
        except ValueError:
            raise UnreadableInput(name, "'until' is not a date", location=where, found=repr(until),
                                  expected="YYYY-MM-DD") from None
        out.append(Waiver(str(item["fingerprint"]), str(item["who"]), str(item["why"]), until,
                          str(item["installation"]).strip(), str(item["rule"]) if item.get("rule") else None,
                          str(item["sha256"]).strip() if item.get("sha256") else None))
    return out


def apply_waivers(findings: list[Finding], waivers: list[Waiver], installation: str, sha256: str | None = None,
                  today: dt.date | None = None) -> tuple[list[Finding], list[Finding]]:
    """(findings still open, findings waived) for one file of `installation`. Each finding records the waiver
    applied or refused."""
    today = today or dt.date.today()
    blocking = {r.code for r in all_rules() if r.blocking}
    open_, waived = [], []
    for f in findings:
        w = next((w for w in waivers if w.covers(f, installation, sha256)), None)
        if w is None:
            open_.append(f)
            continue
        record = {"who": w.who, "why": w.why, "until": w.until.isoformat(), "installation": w.installation}
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
