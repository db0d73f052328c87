"""`cbam report check` tried as an auditor would: every tamper case is built here with pikepdf (or pyHanko for an
update after signing) and must be detected with a message that names what changed; a draft from another version
is told apart from an altered one; signatures made with a test CA generated at test time."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import ROOT

pytest.importorskip("weasyprint")
pytest.importorskip("pyhanko")


def cbam(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, env=env)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("integrity")


@pytest.fixture(scope="module")
def source(folder: Path) -> Path:
    path = folder / "steelworks.json"
    path.write_bytes((ROOT / "examples/steelworks-bf-bof.json").read_bytes())
    return path


@pytest.fixture(scope="module")
def draft(source: Path) -> Path:
    out = source.with_name("draft.pdf")
    run = cbam("report", str(source), "-o", str(out))
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture(scope="module")
def pki(folder: Path) -> dict[str, Path]:
    """A test CA and a verifier's signing certificate issued by it, made now (nothing secret is committed)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Verifier GmbH")])

    def authority(cn: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        return (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(name(cn))
                .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                               critical=True)
                .sign(ca_key, hashes.SHA256())), ca_key

    ca, ca_key = authority("Test CBAM CA")
    other, _ = authority("Some Other CA")
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name("Vera Verifier")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = {"ca": folder / "ca.pem", "other": folder / "other-ca.pem", "cert": folder / "verifier.pem",
             "key": folder / "verifier.key"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["other"].write_bytes(other.public_bytes(serialization.Encoding.PEM))
    paths["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    return paths


@pytest.fixture(scope="module")
def signed(draft: Path, pki: dict[str, Path]) -> Path:
    out = draft.with_name("draft-signed.pdf")
    run = cbam("report", "sign", str(draft), "--key", str(pki["key"]), "--cert", str(pki["cert"]), "-o", str(out))
    assert run.returncode == 0, run.stderr
    return out


def _unicode_map(font: pikepdf.Dictionary) -> dict[str, bytes]:
    """Character -> two-byte code, from the font's ToUnicode CMap (single-character bfchar entries)."""
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    out = {}
    for code, uni in re.findall(r"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]{4})>", cmap):
        out.setdefault(chr(int(uni, 16)), bytes.fromhex(code))
    return out


def _edit_figure(path: Path, target: Path, old: str, new: str) -> int:
    """Change the figure `old` to `new` where a page draws it; returns the page number."""
    pdf = pikepdf.open(path)
    for number, page in enumerate(pdf.pages, start=1):
        fonts = page.Resources.get("/Font") or {}
        maps = {str(k): _unicode_map(f) for k, f in fonts.items() if "/ToUnicode" in f}
        instructions = pikepdf.parse_content_stream(page.obj)
        font, changed = None, False
        for operands, operator in instructions:
            if str(operator) == "Tf":
                font = str(operands[0])
            if str(operator) == "TJ" and font in maps and all(c in maps[font] for c in old + new):
                # WeasyPrint draws one glyph per string, with spacing numbers between: match the run of glyphs
                glyphs = [(i, bytes(item)) for i, item in enumerate(operands[0]) if isinstance(item, pikepdf.String)]
                codes = b"".join(code for _, code in glyphs)
                was = b"".join(maps[font][c] for c in old)
                at = codes.find(was)
                if at >= 0 and at % 2 == 0 and all(len(code) == 2 for _, code in glyphs):
                    for k, c in enumerate(new):
                        operands[0][glyphs[at // 2 + k][0]] = pikepdf.String(maps[font][c])
                    changed = True
            if changed:
                break
        if changed:
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
            pdf.save(target)
            return number
    raise AssertionError(f"{old} is not drawn on any page")


def _rewrite(path: Path, target: Path, edit) -> None:  # type: ignore[no-untyped-def]
    pdf = pikepdf.open(path)
    edit(pdf)
    pdf.save(target)
    pdf.close()


def _attachment(pdf: pikepdf.Pdf, name: str) -> bytes:
    return pdf.attachments[name].get_file().read_bytes()


def test_untouched_draft_is_intact_and_says_it_is_not_signed(draft: Path) -> None:
    run = cbam("report", "check", str(draft))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "intact" in run.stdout and "not signed" in run.stdout


def test_signatures_are_found_without_pyhanko_only_where_none_can_be(draft: Path, signed: Path) -> None:
    """An unsigned draft is checked without loading pyHanko; a signed one still has its signature found."""
    probe = ("import sys\n"
             "from pathlib import Path\n"
             "from cbam_exchange.report.signature import verify\n"
             "states = verify(Path(sys.argv[1]).read_bytes())\n"
             "print(len(states), 'pyhanko' in sys.modules)\n")
    answers = [subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, cwd=ROOT,
                              timeout=300) for path in (draft, signed)]
    assert [a.stdout.split() for a in answers] == [["0", "False"], ["1", "True"]], [a.stderr for a in answers]


def _a_see_figure(path: Path) -> str:
    """An SEE figure as the pages print it (tCO2e/t with several decimals), from the recomputation attached."""
    with pikepdf.open(path) as pdf:
        recomputation = json.loads(_attachment(pdf, "recomputation.json"))
        text = " ".join(json.loads(_attachment(pdf, "pages.json"))["pages"])
    for product in recomputation["products"]:
        for key in ("see_direct", "see_total"):
            value = product.get(key)
            for decimals in (5, 4, 3):
                if value is not None and f" {value:.{decimals}f} " in f" {text} ":
                    return f"{value:.{decimals}f}"
    raise AssertionError("no SEE figure of the recomputation is printed on the pages")


def test_a_figure_edited_on_a_page_is_named_with_its_page(draft: Path, tmp_path: Path) -> None:
    figure = _a_see_figure(draft)
    edited = figure[:-1] + ("1" if figure[-1] != "1" else "2")
    altered = tmp_path / "figure.pdf"
    page = _edit_figure(draft, altered, figure, edited)
    run = cbam("report", "check", str(altered))
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"page {page}: figure “{edited}" in run.stdout and f"the evidence gives “{figure}" in run.stdout
    # every attachment still matches its hash: only the page betrays the edit
    assert "attachment" not in run.stdout


def test_an_unlisted_attachment_is_reported(draft: Path, tmp_path: Path) -> None:
    altered = tmp_path / "extra.pdf"
    _rewrite(draft, altered, lambda pdf: pdf.attachments.__setitem__(
        "corrections.json", pikepdf.AttachedFileSpec(pdf, b'{"see": 0.1}', filename="corrections.json")))
    run = cbam("report", "check", str(altered))
    assert run.returncode == 1
    assert "attachment corrections.json is not listed in the manifest" in run.stdout


def test_a_deleted_manifest_is_an_alteration_not_an_unreadable_file(draft: Path, tmp_path: Path) -> None:
    altered = tmp_path / "nomanifest.pdf"
    _rewrite(draft, altered, lambda pdf: pdf.attachments.__delitem__("manifest.json"))
    run = cbam("report", "check", str(altered))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "manifest.json is missing" in run.stdout


def test_evidence_regenerated_after_an_edit_is_caught_only_by_the_signature(signed: Path, source: Path,
                                                                           tmp_path: Path) -> None:
    """Edit the submission, make a consistent draft with the toolkit and swap its evidence into the signed file."""
    data = json.loads(source.read_text())
    data["processes"][3]["direct_emissions"] = data["processes"][3]["direct_emissions"] * 0.9
    edited = tmp_path / source.name
    edited.write_text(json.dumps(data))
    regenerated = tmp_path / "regenerated.pdf"
    assert cbam("report", str(edited), "-o", str(regenerated)).returncode == 0
    # the regenerated draft is self-consistent: without a signature nothing can tell
    run = cbam("report", "check", str(regenerated))
    assert run.returncode == 0 and "not signed" in run.stdout

    def swap(pdf: pikepdf.Pdf) -> None:
        with pikepdf.open(regenerated) as other:
            for name in list(other.attachments):
                pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, _attachment(other, name), filename=name)

    swapped = tmp_path / "swapped.pdf"
    _rewrite(signed, swapped, swap)
    run = cbam("report", "check", str(swapped))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "signature by" in run.stdout and "Vera Verifier" in run.stdout and "broken" in run.stdout


def test_a_signed_draft_names_its_signer_and_its_trust(signed: Path, pki: dict[str, Path]) -> None:
    run = cbam("report", "check", str(signed), "--trust", str(pki["ca"]))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "signed by" in run.stdout and "Vera Verifier" in run.stdout
    assert "chains to the given trust root" in run.stdout and "NOT" not in run.stdout
    untrusted = cbam("report", "check", str(signed), "--trust", str(pki["other"]))
    assert "does NOT chain to the given trust root" in untrusted.stdout


def test_a_change_after_signing_is_detected(signed: Path, tmp_path: Path) -> None:
    # bytes inside the signed range
    data = bytearray(signed.read_bytes())
    position = data.index(b"/Title (") + len(b"/Title (")
    data[position] = ord("X") if data[position] != ord("X") else ord("Y")
    flipped = tmp_path / "flipped.pdf"
    flipped.write_bytes(bytes(data))
    run = cbam("report", "check", str(flipped))
    assert run.returncode == 1 and "broken" in run.stdout, run.stdout + run.stderr
    # an update appended after the signed revision (a new attachment in an incremental update)
    from pyhanko.pdf_utils.embed import EmbeddedFileObject, FileSpec, embed_file
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with signed.open("rb") as fh:
        writer = IncrementalPdfFileWriter(fh)
        embed_file(writer, FileSpec(file_spec_string="late.json", embedded_data=EmbeddedFileObject.from_file_data(
            writer, data=b"{}", mime_type="application/json")))
        appended = tmp_path / "appended.pdf"
        with appended.open("wb") as out:
            writer.write(out)
    run = cbam("report", "check", str(appended))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "changed after signing" in run.stdout or "late.json is not listed" in run.stdout


def test_another_version_is_told_apart_from_an_alteration(draft: Path, tmp_path: Path) -> None:
    def older(pdf: pikepdf.Pdf) -> None:
        manifest = json.loads(_attachment(pdf, "manifest.json"))
        manifest["version"], manifest["generator"] = "0.0.1", "cbam-exchange 0.0.1"
        pdf.attachments["manifest.json"] = pikepdf.AttachedFileSpec(pdf, json.dumps(manifest).encode(),
                                                                    filename="manifest.json")

    other = tmp_path / "older.pdf"
    _rewrite(draft, other, older)
    run = cbam("report", "check", str(other))
    assert run.returncode == 4, run.stdout + run.stderr
    assert "made by cbam-exchange 0.0.1" in run.stdout and "cannot reproduce" in run.stdout
    assert "altered" not in run.stdout.lower()
    # the same older draft with a figure edited: the pages recorded at drafting still show the edit
    figure = _a_see_figure(other)
    edited = tmp_path / "older-edited.pdf"
    page = _edit_figure(other, edited, figure, figure[:-1] + ("1" if figure[-1] != "1" else "2"))
    run = cbam("report", "check", str(edited))
    assert run.returncode == 1 and f"page {page}: figure" in run.stdout, run.stdout + run.stderr


def test_names_inside_the_pdf_are_never_paths_and_no_temporary_path_is_shown(draft: Path, tmp_path: Path) -> None:
    target = tmp_path / "written-by-check.json"
    broken = b"{ this is not json"

    def hostile(pdf: pikepdf.Pdf) -> None:
        manifest = json.loads(_attachment(pdf, "manifest.json"))
        old = manifest["submission"]
        del pdf.attachments[old]
        pdf.attachments[str(target)] = pikepdf.AttachedFileSpec(pdf, broken, filename=str(target))
        manifest["attachments"].pop(old)
        manifest["attachments"][str(target)] = __import__("hashlib").sha256(broken).hexdigest()
        manifest["submission"] = str(target)
        pdf.attachments["manifest.json"] = pikepdf.AttachedFileSpec(pdf, json.dumps(manifest).encode(),
                                                                    filename="manifest.json")

    altered = tmp_path / "hostile.pdf"
    _rewrite(draft, altered, hostile)
    run = cbam("report", "check", str(altered))
    assert not target.exists()
    assert run.returncode == 1, run.stdout + run.stderr
    assert "the embedded submission cannot be read again" in run.stdout
    assert tempfile.gettempdir() + "/cbam-" not in run.stdout + run.stderr


def test_a_file_that_is_not_a_pdf_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "not.pdf"
    path.write_text("hello")
    run = cbam("report", "check", str(path))
    assert run.returncode == 2 and "not a readable PDF" in run.stderr


def test_a_draft_with_the_verifiers_decisions_reproduces_and_an_edit_of_them_is_seen(source: Path,
                                                                                    tmp_path: Path) -> None:
    """The decisions file changes the pages (verifier, visit, opinion): check renders them again from its record."""
    decisions = tmp_path / "decisions.yaml"
    decisions.write_text("verifier:\n  company: Nordic CBAM Verification AB\n  lead_verifier: A. Lind\n"
                         "visit:\n  type: physical\n  dates: [2027-03-02, 2027-03-03]\nfirst_verified_year: 2026\n",
                         encoding="utf-8")
    out = tmp_path / "with-decisions.pdf"
    run = cbam("report", str(source), "-o", str(out), "--decisions", str(decisions))
    assert run.returncode == 0, run.stderr
    run = cbam("report", "check", str(out))
    assert run.returncode == 0, run.stdout + run.stderr

    def edit(pdf: pikepdf.Pdf) -> None:
        """Change the recorded decisions and re-hash them, as someone with the toolkit's knowledge would."""
        import hashlib

        context = json.loads(_attachment(pdf, "draft-context.json"))
        context["decisions"]["data"]["verifier"]["company"] = "Someone Else Ltd"
        data = json.dumps(context).encode()
        manifest = json.loads(_attachment(pdf, "manifest.json"))
        manifest["attachments"]["draft-context.json"] = hashlib.sha256(data).hexdigest()
        for name, blob in (("draft-context.json", data), ("manifest.json", json.dumps(manifest).encode())):
            pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, blob, filename=name)

    edited = tmp_path / "edited-decisions.pdf"
    _rewrite(out, edited, edit)
    run = cbam("report", "check", str(edited))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Someone Else" in run.stdout and "Nordic" in run.stdout  # the page shows one, the evidence the other
