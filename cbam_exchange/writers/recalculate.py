"""Recalculate a workbook with LibreOffice (headless), so that it carries the template's own results.

A private user profile forces recalculation on load (`OOXMLRecalcMode` = 0, "always"); without it LibreOffice keeps
whatever cached values the file has. The profile lives in a temporary folder, so a user's own LibreOffice settings
are neither used nor changed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from cbam_exchange.writers.atomic import atomic_output

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


class RecalculationUnavailable(Exception):
    """LibreOffice is not installed or failed."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculate(src: Path, dst: Path, timeout: float = 300) -> None:
    """Write to `dst` a copy of `src` whose every formula LibreOffice has recalculated."""
    binary = soffice()
    if binary is None:
        raise RecalculationUnavailable("LibreOffice (soffice) is not installed; on Debian: apt-get install "
                                       "libreoffice-calc")
    with tempfile.TemporaryDirectory(prefix="cbam-lo-") as work:
        work_dir = Path(work)
        profile = work_dir / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        source = work_dir / "in" / "workbook.xlsx"
        source.parent.mkdir()
        shutil.copyfile(src, source)
        out_dir = work_dir / "out"
        cmd = [binary, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.as_uri()}",
               "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir), str(source)]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RecalculationUnavailable(f"LibreOffice did not finish within {timeout:.0f} s") from None
        result = out_dir / "workbook.xlsx"
        if run.returncode != 0 or not result.exists():
            raise RecalculationUnavailable(f"LibreOffice failed (exit {run.returncode}): {run.stderr.strip()[:300]}")
        with atomic_output(dst) as tmp:
            shutil.copyfile(result, tmp)
