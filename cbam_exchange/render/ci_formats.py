"""Findings for CI systems: SARIF 2.1.0 (code-scanning dashboards), JUnit XML (test reports) and GitHub Actions
workflow commands (annotations). Each takes the per-file findings documents of `cbam validate`.

A spreadsheet has no lines: the sheet and cell go into SARIF's logical location and into the message everywhere; the
JSON model path is kept as a second logical location.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree as ET

from cbam_exchange import __version__

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
# characters XML 1.0 cannot carry even escaped (control characters, U+FFFE/FFFF): supplier text pasted from other
# systems has them, and ElementTree writes them as they are, making the report unparseable
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _where(f: dict[str, Any]) -> str:
    loc = f["location"]
    if loc["sheet"] and loc["cell"]:
        return f"{loc['sheet']}!{loc['cell']}"
    return loc["sheet"] or loc["path"] or ""


def _uri(file: str) -> str:
    return file.replace("\\", "/")


def sarif(documents: list[dict[str, Any]], rules: list[Any]) -> str:
    """One run; `rules` are the catalogue's rules (for the driver's rule metadata)."""
    used = sorted({f["rule"] for d in documents for f in d["findings"] + d["waived"]})
    by_code = {r.code: r for r in rules}
    descriptors = []
    for code in used:
        r = by_code.get(code)
        descriptor: dict[str, Any] = {"id": code}
        if r is not None:
            descriptor.update({
                "name": r.name, "shortDescription": {"text": r.name.replace("-", " ")},
                "fullDescription": {"text": r.rationale}, "help": {"text": r.remedy},
                "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity.value]},
                "properties": {"reference": r.reference}})
        descriptors.append(descriptor)
    index = {code: k for k, code in enumerate(used)}
    results, notifications = [], []
    for doc in documents:
        uri = _uri(doc["file"])
        if "unreadable" in doc:
            notifications.append({"level": "error", "message": {"text": doc["unreadable"]},
                                  "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}]})
            continue
        for f, waived in [(f, False) for f in doc["findings"]] + [(f, True) for f in doc["waived"]]:
            logical = [{"fullyQualifiedName": _where(f), "kind": "element"}] if _where(f) else []
            if f["location"]["path"]:
                logical.append({"fullyQualifiedName": f["location"]["path"], "kind": "member"})
            result: dict[str, Any] = {
                "ruleId": f["rule"], "ruleIndex": index[f["rule"]], "level": _SARIF_LEVEL[f["severity"]],
                "message": {"text": f"{_where(f)}: {f['message']}" if _where(f) else f["message"]},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}},
                               **({"logicalLocations": logical} if logical else {})}],
                "partialFingerprints": {"cbamFingerprint/v1": f["fingerprint"]},
            }
            if waived:
                result["suppressions"] = [{"kind": "external", "status": "accepted",
                                           "justification": f"{f['waiver']['why']} ({f['waiver']['who']}, until "
                                                            f"{f['waiver']['until']})"}]
            results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "cbam-exchange", "version": __version__,
                            "informationUri": "https://pypi.org/project/cbam-exchange/", "rules": descriptors}},
        "artifacts": [{"location": {"uri": _uri(d["file"])}, **({"hashes": {"sha-256": d["sha256"]}}
                                                               if d.get("sha256") else {})} for d in documents],
        "invocations": [{"executionSuccessful": not notifications,
                         **({"toolExecutionNotifications": notifications} if notifications else {})}],
        "results": results,
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2,
                      ensure_ascii=False) + "\n"


def junit(documents: list[dict[str, Any]]) -> str:
    """A test suite per file and a test case per finding (failure for errors and warnings, passed for info); a file
    without findings is one passing case, an unreadable file one case in error."""
    suites = ET.Element("testsuites", name="cbam validate")
    total = {"tests": 0, "failures": 0, "errors": 0}
    for doc in documents:
        suite = ET.SubElement(suites, "testsuite", name=doc["file"])
        counts = {"tests": 0, "failures": 0, "errors": 0}
        if "unreadable" in doc:
            case = ET.SubElement(suite, "testcase", name="read", classname=doc["file"])
            ET.SubElement(case, "error", message=doc["unreadable"], type="unreadable")
            counts["tests"], counts["errors"] = 1, 1
        elif not doc["findings"]:
            ET.SubElement(suite, "testcase", name="no findings", classname=doc["file"])
            counts["tests"] = 1
        for f in doc["findings"]:
            case = ET.SubElement(suite, "testcase", name=f"{f['rule']} {_where(f)}".strip(), classname=doc["file"])
            counts["tests"] += 1
            if f["severity"] in ("error", "warning"):
                failure = ET.SubElement(case, "failure", message=f["message"], type=f["severity"])
                failure.text = f"{f['message']}\nfix: {f['remedy']}\nreference: {f['reference']}"
                counts["failures"] += 1
            else:
                ET.SubElement(case, "system-out").text = f["message"]
        for key, value in counts.items():
            suite.set(key, str(value))
            total[key] += value
    for key, value in total.items():
        suites.set(key, str(value))
    return _NOT_XML.sub("\ufffd", ET.tostring(suites, encoding="unicode", xml_declaration=True)) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(documents: list[dict[str, Any]]) -> str:
    """GitHub Actions workflow commands: one annotation per finding, on the file, titled with rule and cell."""
    lines = []
    for doc in documents:
        file = _escape_property(_uri(doc["file"]))
        if "unreadable" in doc:
            lines.append(f"::error file={file},title=unreadable::{_escape_data(doc['unreadable'])}")
            continue
        for f in doc["findings"]:
            title = _escape_property(f"{f['rule']} {_where(f)}".strip())
            lines.append(f"::{_GITHUB_LEVEL[f['severity']]} file={file},title={title}::"
                         f"{_escape_data(f['message'] + ' (fix: ' + f['remedy'] + ')')}")
    return "\n".join(lines) + ("\n" if lines else "")
