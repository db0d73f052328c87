"""RD: what the reader could not take from the file as the template expects it (reader notes become findings)."""

from __future__ import annotations

import re

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext
from cbam_exchange.model.submission import ReadNote

# A formula that is a constant truth value: its result is evident without calculation.
_BOOLEAN = re.compile(r"^=?\s*(TRUE|FALSE)\s*(\(\s*\))?\s*$", re.IGNORECASE)
# Model paths whose value nothing computes with or checks (free text for people, flags the template itself
# derives): an input formula there changes no result.
_UNUSED = re.compile(r"^(installation\.(name_local|street|economic_activity|post_code|po_box|city|representative\.)"
                     r"|verifier\.|data_quality\.|additional_information$"
                     r"|processes\[\d+\]\.(measurable_heat_applicable|waste_gases_applicable)$"
                     r"|products\[\d+\]\.name$)")


def _matters(note: ReadNote) -> bool:
    """False for a formula whose result is evident (=TRUE()) or that no calculation or check uses."""
    return not (_BOOLEAN.match(note.found or "") or _UNUSED.match(note.path or ""))


# ID-015 reports the period's dates typed as text (READ-TYPE, READ-TEXT-AS-VALUE) in a date's words; said here again
# they were 'a number as text' to be converted to a number
_DATES_ELSEWHERE = ("reporting_period.start", "reporting_period.end")


def _notes(ctx: CheckContext, code: str, only_if_used: bool = False) -> None:
    for note in ctx.submission.notes:
        if note.code == code and (not only_if_used or _matters(note)) and not (
                code != "READ-FORMULA" and note.path in _DATES_ELSEWHERE):
            ctx.report(note.path, value=note.found, detail=note.message, at=(note.sheet, note.cell))


@rule("RD-001", "unreadable-value", "error", "The cell holds {value!r}: {detail}.",
      rationale="A value the template cannot compute with (text in a number field) silently drops out of every "
                "sum; it is treated as not provided, never as 0.",
      remedy="Enter a plain number in the unit the row states, without text or thousands separators as text.",
      reference="Template 2.1.1 input conventions; methodology 10.2", template_only=True,
      bad=Example({"cell:D_Processes!L54": "about 1 Mt"}, "processes[0].direct_emissions", "D_Processes!L54"),
      good=Example({}))
def unreadable(ctx: CheckContext) -> None:
    _notes(ctx, "READ-TYPE")


@rule("RD-002", "number-stored-as-text", "info", "The cell holds the number {value!r} as text: {detail}.",
      rationale="Numbers stored as text are read, but Excel's SUM ignores them, so the template's own results may "
                "leave them out.",
      remedy="Convert the cell to a number (Excel: 'Convert to Number').",
      reference="Template 2.1.1 input conventions", template_only=True,
      bad=Example({"cell:D_Processes!L65": "162000"}, "processes[0].electricity_consumed", "D_Processes!L65"),
      good=Example({}))
def text_number(ctx: CheckContext) -> None:
    _notes(ctx, "READ-TEXT-AS-VALUE")


@rule("RD-003", "input-formula-not-evaluated", "warning", "{detail}",
      rationale="An input cell holding a formula without a calculated value cannot be read; the toolkit evaluates "
                "references to quantities it recomputes, and says which reference it could not. Constant truth "
                "values (=TRUE(), =FALSE()) and formulas in cells no calculation uses are not flagged.",
      remedy="Open and save the workbook in Excel so that it is calculated, or enter the value itself.",
      reference="Template 2.1.1 (input cells are meant for values)", template_only=True,
      bad=Example({"formula:D_Processes!L54": "Summary_Processes!K71"}, "processes[0].direct_emissions",
                  "D_Processes!L54"),
      good=Example({}))
def formula_not_evaluated(ctx: CheckContext) -> None:
    _notes(ctx, "READ-FORMULA", only_if_used=True)


@rule("RD-004", "input-formula-evaluated", "info", "{detail}",
      rationale="The workbook was never calculated; the value was taken from the toolkit's own recomputation of "
                "the quantity the formula refers to, so it is only as right as that recomputation.",
      remedy="Nothing to fix; save the workbook from Excel to carry its own calculated values.",
      reference="Template 2.1.1", template_only=True,
      bad=Example({"formula:D_Processes!L54": "C_Emissions&amp;Energy!H32"}, "processes[0].direct_emissions",
                  "D_Processes!L54"),
      good=Example({}))
def formula_evaluated(ctx: CheckContext) -> None:
    _notes(ctx, "READ-FORMULA-EVALUATED", only_if_used=True)


@rule("RD-005", "value-not-in-template-list", "warning", "{detail}",
      rationale="A value typed instead of chosen from the template's list breaks the template's lookups (here: "
                "the country code derived from the country name).",
      remedy="Choose the value from the cell's drop-down list.",
      reference="Template 2.1.1 code lists (c_CodeLists)", template_only=True,
      bad=Example({"installation.country": "Turkey"}, "installation.country", "A_InstData!I26"),
      good=Example({}))
def not_in_list(ctx: CheckContext) -> None:
    _notes(ctx, "READ-LOOKUP")
