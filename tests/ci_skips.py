"""Under CI=true a test that needs the blank template (or anything else from ../shared), LibreOffice, PostgreSQL,
Chromium or WeasyPrint FAILS instead of skipping: CI installs all of them, so a skip there means a broken install
step that would otherwise pass unnoticed. Locally (CI unset) such tests skip, saying why.

A skip counts as "needs an external resource" when its reason names one of EXTERNAL (case-insensitive), so tests
written later need nothing special: `pytest.skip("... LibreOffice (soffice) is not installed")` is enough.
"""

from __future__ import annotations

import os

import pytest

EXTERNAL = ("blank template", "../shared", "shared/", "libreoffice", "soffice", "postgres", "chromium",
            "playwright", "weasyprint", "pango")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _reason(longrepr: object) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _needs_external(reason: str) -> bool:
    return any(word in reason.lower() for word in EXTERNAL)


def _fail(report: pytest.TestReport | pytest.CollectReport, reason: str) -> None:
    report.outcome = "failed"
    report.longrepr = (f"CI=true: this test needs something CI must provide, so it fails instead of skipping: "
                       f"{reason}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and not hasattr(report, "wasxfail"):
        reason = _reason(report.longrepr)
        if _needs_external(reason):
            _fail(report, reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> object:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci():
        reason = _reason(report.longrepr)
        if _needs_external(reason):
            _fail(report, reason)
