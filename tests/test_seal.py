"""Signed means sealed (partnerskab/seal.py, partnerskab/signing.py): `seal`, the checks that
hold a seal (PA130-PA133), the build publishing the sealed documents, the register, `verify`,
and PAdES signatures with pyHanko. Every test runs the real command line on a copy of the
project; the certificates are made here, with `cryptography`, by a test CA of our own."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import FJORDBY, ROOT, copy_project, run_cli

SIGNED = FJORDBY  # status: signed, version 2 (one amendment)
DRAFT = ROOT / "agreements" / "vestby-flere-i-job.yaml"
PASSWORD = "hemmelig kode"


def cli(project: Path, *args: str, env: dict | None = None, stdin=subprocess.DEVNULL):
    """The copy's own build.py, in the copy."""
    return run_cli(*args, cwd=project, env=env, root=project, stdin=stdin)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project with one signed agreement (not yet sealed) and one draft."""
    base = tmp_path / "project"
    base.mkdir()
    copy_project(base, examples=False)
    shutil.rmtree(base / "sealed", ignore_errors=True)
    for example in (SIGNED, DRAFT):
        shutil.copy(example, base / "agreements" / example.name)
    return base


@pytest.fixture
def sealed(project) -> Path:
    result = cli(project, "seal", f"agreements/{SIGNED.name}")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def folder(project: Path, version: int = 2) -> Path:
    return project / "sealed" / SIGNED.stem / f"version-{version}"


def line_of(path: Path, prefix: str) -> int:
    return next(
        n
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.startswith(prefix)
    )


# --- sealing and the checks ------------------------------------------------------------------


def test_a_signed_agreement_without_a_seal_is_an_error_at_its_status(project):
    result = cli(project, "validate")
    assert result.returncode == 1
    status_line = line_of(project / "agreements" / SIGNED.name, "status:")
    where = f"agreements/{SIGNED.name}:{status_line}:9"
    expected = f"{where}: error: Aftalen er underskrevet, men version 2 er ikke forseglet"
    assert expected in result.stdout, result.stdout
    assert f"python build.py seal agreements/{SIGNED.name}" in result.stdout
    assert DRAFT.name not in result.stdout  # a draft needs no seal
    build = cli(project, "build", "--out", "out")
    assert build.returncode == 1 and not (project / "out" / f"{SIGNED.stem}.pdf").exists()
    assert (project / "out" / f"{DRAFT.stem}.pdf").exists()  # the other agreement still builds


def test_seal_keeps_the_documents_and_a_readable_record(sealed):
    here = folder(sealed)
    record = yaml.safe_load((here / "seal.yaml").read_text(encoding="utf-8"))
    assert record["version"] == 2 and record["agreement"] == SIGNED.name
    assert record["sealed"] == dt.date.today().isoformat()
    assert set(record["tools"]) >= {"partnerskab", "pandoc", "typst"}
    assert re.fullmatch(r"\d+\.\d+(\.\d+)*", record["tools"]["pandoc"])
    import hashlib

    for kind in ("pdf", "docx", "html"):
        content = (here / f"{SIGNED.stem}.{kind}").read_bytes()
        assert record["documents"][kind]["sha256"] == hashlib.sha256(content).hexdigest()
    assert (here / f"{SIGNED.stem}.yaml").read_bytes() == SIGNED.read_bytes()
    assert (here / f"{SIGNED.stem}.pdf").read_bytes().startswith(b"%PDF-")
    assert cli(sealed, "validate").returncode == 0
    again = cli(sealed, "seal", f"agreements/{SIGNED.name}")
    assert again.returncode == 0 and "allerede forseglet" in again.stdout


def test_seal_refuses_a_draft_and_an_invalid_agreement(project):
    draft = cli(project, "seal", f"agreements/{DRAFT.name}")
    assert draft.returncode == 1 and "status: signed" in draft.stderr and "Traceback" not in draft.stderr
    broken = project / "agreements" / SIGNED.name
    broken.write_text(broken.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    result = cli(project, "seal", f"agreements/{SIGNED.name}")
    assert result.returncode == 1 and "kan ikke forsegles" in result.stderr
    assert not (project / "sealed" / SIGNED.stem).exists()


def test_the_build_publishes_the_sealed_documents_even_when_the_template_changes(sealed):
    css = sealed / "templates" / "pandoc" / "agreement.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { letter-spacing: .2em; }\n", encoding="utf-8")
    result = cli(sealed, "build", "--out", "out")
    assert result.returncode == 0, result.stdout + result.stderr
    for kind in ("pdf", "docx", "html"):
        name = f"{SIGNED.stem}.{kind}"
        assert (sealed / "out" / name).read_bytes() == (folder(sealed) / name).read_bytes(), kind
    assert "letter-spacing: .2em" in (sealed / "out" / f"{DRAFT.stem}.html").read_text(encoding="utf-8")
    assert "letter-spacing: .2em" not in (sealed / "out" / f"{SIGNED.stem}.html").read_text(encoding="utf-8")
    rows = json.loads((sealed / "out" / "agreements.json").read_text(encoding="utf-8"))["agreements"]
    sealed_by_file = {row["file"]: row["sealed"] for row in rows}
    assert sealed_by_file == {SIGNED.name: 2, DRAFT.name: None}
    page = (sealed / "out" / "index.html").read_text(encoding="utf-8")
    assert "Forseglet udgave: version 2" in page
    assert "Forseglet version" in (sealed / "out" / "agreements.csv").read_text(encoding="utf-8-sig")


def test_the_build_publishes_the_bytes_it_checked_not_the_file_read_again(sealed):
    """A sealed file swapped between the check and the copy is never published: the build
    publishes the bytes it compared with the seal. Bytes not compared yet are compared when
    they are read."""
    from partnerskab.load import load
    from partnerskab.seal import check_seal, sealed_documents

    path = sealed / "agreements" / SIGNED.name
    problems, seal = check_seal(str(path), load(path))
    assert problems == [] and seal is not None
    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    checked = pdf.read_bytes()
    pdf.write_bytes(b"%PDF-1.7\nswapped after the check\n")
    assert sealed_documents(seal).pdf == checked
    seal.checked.clear()
    with pytest.raises(OSError, match="passer ikke til seal.yaml"):
        sealed_documents(seal)
    pdf.write_bytes(checked)
    assert sealed_documents(seal).pdf == checked


def test_a_change_without_an_amendment_points_at_the_changed_field(sealed):
    agreement = sealed / "agreements" / SIGNED.name
    text = agreement.read_text(encoding="utf-8")
    changed = text.replace("start: 2026-01-01", "start: 2026-02-01", 1)
    assert changed != text
    agreement.write_text(changed, encoding="utf-8")
    result = cli(sealed, "validate")
    assert result.returncode == 1
    line = line_of(agreement, "  start:")
    assert (
        f"agreements/{SIGNED.name}:{line}:10: error: Aftalen er ændret, efter version 2 blev forseglet"
        in result.stdout
    )
    assert "værdien er ændret" in result.stdout and "changes.amendments" in result.stdout
    build = cli(sealed, "build", "--out", "out")
    assert build.returncode == 1 and not (sealed / "out" / f"{SIGNED.stem}.pdf").exists()
    reseal = cli(sealed, "seal", f"agreements/{SIGNED.name}")
    assert reseal.returncode == 1 and "tillæg" in reseal.stderr


def test_the_agreement_hash_is_its_content_without_status():
    """Ending an agreement (status: ended) changes nothing that was signed; anything else does."""
    from partnerskab.load import load
    from partnerskab.seal import agreement_hash

    data = load(SIGNED).data
    assert agreement_hash({**data, "status": "ended"}) == agreement_hash(data)
    assert agreement_hash({**data, "title": data["title"] + "!"}) != agreement_hash(data)
    reordered = dict(reversed(list(data.items())))
    assert agreement_hash(reordered) == agreement_hash(data)  # the order of the keys is layout


def test_an_amendment_is_sealed_as_a_new_version_and_verify_tells_it(sealed):
    agreement = sealed / "agreements" / SIGNED.name
    old_pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    data = yaml.safe_load(agreement.read_text(encoding="utf-8"))
    last = data["changes"]["amendments"][-1]
    amendment = (
        f"    - date: {last['date']}\n"
        "      description: Mødested flyttet til biblioteket.\n"
        f"      approved_by: {last['approved_by']}\n"
    )
    text = agreement.read_text(encoding="utf-8")
    anchor = "  amendments:\n"
    assert anchor in text
    agreement.write_text(text.replace(anchor, anchor + amendment, 1), encoding="utf-8")
    before = cli(sealed, "validate", f"agreements/{SIGNED.name}")
    assert before.returncode == 1 and "version 3 er ikke forseglet" in before.stdout, before.stdout
    assert cli(sealed, "seal", f"agreements/{SIGNED.name}").returncode == 0
    assert folder(sealed, 3).is_dir() and folder(sealed, 2).is_dir()  # the earlier version stays
    assert cli(sealed, "validate", f"agreements/{SIGNED.name}").returncode == 0
    verify = cli(sealed, "verify", str(old_pdf))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "version 2" in verify.stdout and "den gældende version er 3" in verify.stdout
    current = cli(sealed, "verify", str(folder(sealed, 3) / f"{SIGNED.stem}.pdf"))
    assert "Det er den gældende version af aftalen." in current.stdout


@pytest.mark.parametrize(
    "changes", ["changes: 5", "changes: [1]", "changes:\n  amendments: 5", 'changes:\n  amendments: "abc"']
)
def test_verify_of_a_sealed_pdf_says_when_the_agreement_now_is_broken(sealed, changes):
    """The sealed PDF is genuine, whatever has been done to the YAML since: verify says so, and
    that the agreement as it is now cannot be read, instead of crashing on its version or
    naming a version it made up («den gældende version er 4» for amendments: "abc")."""
    agreement = sealed / "agreements" / SIGNED.name
    text = agreement.read_text(encoding="utf-8")
    start = text.index("\nchanges:")
    following = [m.start() for m in re.finditer(r"\n[a-z_]+:", text) if m.start() > start]
    end = following[0] if following else len(text)
    agreement.write_text(text[:start] + "\n" + changes + text[end:], encoding="utf-8")
    verify = cli(sealed, "verify", str(folder(sealed) / f"{SIGNED.stem}.pdf"))
    assert verify.returncode == 0 and "Traceback" not in verify.stderr, verify.stdout + verify.stderr
    assert "kan ikke læses som en gyldig aftale; kør validate." in verify.stdout, verify.stdout
    assert "gældende version er" not in verify.stdout


def _commit_all(project: Path) -> None:
    for command in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.email=t@e", "-c", "user.name=T", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *command], cwd=project, check=True, capture_output=True)


def test_a_committed_seal_that_is_changed_or_removed_fails_validate_base(sealed):
    """Swapping a sealed PDF together with the hashes in its seal.yaml, or removing a version
    folder, passes every check of the seal against itself; `validate --base` (CI on a pull
    request) finds that a file committed in sealed/ has changed or gone (PA135). A seal added
    since, for a new version, is fine."""
    _commit_all(sealed)
    assert cli(sealed, "validate", "--base", "HEAD").returncode == 0
    seal = folder(sealed) / "seal.yaml"
    seal.write_text(seal.read_text(encoding="utf-8") + "# en kommentar\n", encoding="utf-8")
    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    pdf.unlink()
    for args in ([], [f"agreements/{SIGNED.name}"]):
        result = cli(sealed, "validate", "--base", "HEAD", *args)
        assert result.returncode == 1, result.stdout
        changed = f"sealed/{SIGNED.stem}/version-2/seal.yaml:1:1: error: Den forseglede fil"
        assert changed in result.stdout and "er ændret siden HEAD" in result.stdout
        assert f"{SIGNED.stem}.pdf er slettet siden HEAD" in result.stdout and "[PA135]" in result.stdout
    assert (
        cli(sealed, "validate", "--base", "HEAD", f"agreements/{DRAFT.name}").returncode == 0
    )  # not its seals
    subprocess.run(["git", "checkout", "-q", "HEAD", "--", "sealed"], cwd=sealed, check=True)
    extra = folder(sealed, 3)
    extra.mkdir()
    (extra / "note.txt").write_text("ny\n", encoding="utf-8")
    result = cli(sealed, "validate", "--base", "HEAD")
    assert "PA135" not in result.stdout, result.stdout


def test_a_title_forged_in_seal_yaml_is_caught(sealed):
    """verify names the agreement by the title in seal.yaml; a title written there by hand
    («Aftale om 10 mio. kr. til Fonden») no longer matches the sealed copy's, so the seal is not
    trusted and validate says so (PA132 at seal.yaml)."""
    seal = folder(sealed) / "seal.yaml"
    text = seal.read_text(encoding="utf-8")
    forged = re.sub(r"(?m)^title: .*$", "title: 'Aftale om 10 mio. kr. til Fonden'", text)
    assert forged != text
    seal.write_text(forged, encoding="utf-8")
    result = cli(sealed, "validate")
    assert result.returncode == 1 and f"sealed/{SIGNED.stem}/version-2/seal.yaml" in result.stdout
    assert "[PA132]" in result.stdout, result.stdout
    verify = cli(sealed, "verify", str(folder(sealed) / f"{SIGNED.stem}.pdf"))
    assert verify.returncode == 1 and "10 mio" not in verify.stdout, verify.stdout


def test_a_deleted_agreements_broken_seal_is_reported_at_its_seal_without_a_field(sealed):
    """An agreement that is deleted keeps its seals for `verify`, and validate still checks them.
    Such a seal has no agreement and so no field: its message points at seal.yaml and ends in
    the file to restore, not in «(status)»."""
    (sealed / "agreements" / SIGNED.name).unlink()
    html = folder(sealed) / f"{SIGNED.stem}.html"
    html.write_bytes(html.read_bytes().replace(b"Fjordby", b"Fjordbi", 1))
    result = cli(sealed, "validate")
    assert result.returncode == 1, result.stdout + result.stderr
    [line] = [line for line in result.stdout.splitlines() if "[PA132]" in line]
    assert line.startswith(f"sealed/{SIGNED.stem}/version-2/seal.yaml:1:1: error:"), line
    assert line.endswith(f"(git checkout -- sealed/{SIGNED.stem}/version-2/{SIGNED.stem}.html) [PA132]"), line


def test_a_replaced_sealed_file_and_a_broken_seal_are_errors(sealed):
    html = folder(sealed) / f"{SIGNED.stem}.html"
    html.write_bytes(html.read_bytes().replace(b"Fjordby", b"Fjordbi", 1))
    result = cli(sealed, "validate")
    assert result.returncode == 1
    assert f"Den forseglede fil {SIGNED.stem}.html passer ikke til forseglingen" in result.stdout
    seal_file = folder(sealed) / "seal.yaml"
    good = seal_file.read_text(encoding="utf-8")
    seal_file.write_text("version: 2\nagreement: [\n", encoding="utf-8")
    result = cli(sealed, "validate")
    assert result.returncode == 1
    # where YAML stopped making sense, in the seal's own file
    assert f"sealed/{SIGNED.stem}/version-2/seal.yaml:3:1: error: Forseglingen" in result.stdout, (
        result.stdout
    )
    assert "den er ikke gyldig YAML" in result.stdout
    for broken in (
        good.replace("version: 2", "version: 3"),  # not the version its folder is named after
        good.replace("file: fjordby-familievenner.pdf", "file: ../../../etc/passwd"),
        good.replace("version: 2", "version: true"),
    ):
        assert broken != good
        seal_file.write_text(broken, encoding="utf-8")
        result = cli(sealed, "validate")
        assert result.returncode == 1
        assert f"sealed/{SIGNED.stem}/version-2/seal.yaml:1:1: error: Forseglingen" in result.stdout
        assert "der mangler noget i den" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


# --- verify ----------------------------------------------------------------------------------


def test_verify_knows_each_sealed_document_and_nothing_else(sealed, tmp_path):
    for kind, word in (("pdf", "PDF"), ("docx", "DOCX-fil"), ("html", "HTML-side")):
        result = cli(sealed, "verify", str(folder(sealed) / f"{SIGNED.stem}.{kind}"))
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"den forseglede {word} af «Frivillig familiestøtte i Fjordby»" in result.stdout
        assert "version 2" in result.stdout
    other = tmp_path / "andet.pdf"
    pdf = (folder(sealed) / f"{SIGNED.stem}.pdf").read_bytes()
    at = pdf.index(b"/Title")
    other.write_bytes(pdf[:at] + b"/Titlf" + pdf[at + 6 :])  # one letter
    result = cli(sealed, "verify", str(other))
    assert result.returncode == 1 and "IKKE et forseglet dokument" in result.stdout
    other.write_bytes(pdf + b"1 0 obj\n(efterskrift)\nendobj\n%%EOF\n")  # added after, not a signature
    result = cli(sealed, "verify", str(other))
    assert (
        result.returncode == 1
        and "andet end underskrifter: det er ikke den forseglede aftale" in result.stdout
    )
    missing = cli(sealed, "verify", str(tmp_path / "findes-ikke.pdf"))
    assert (
        missing.returncode == 1 and "kan ikke læses" in missing.stderr and "Traceback" not in missing.stderr
    )


# --- PAdES signatures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificates(tmp_path_factory) -> dict[str, Path]:
    """A test CA, and two signatories: one with an RSA key, one with an ECDSA (P-256) key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    where = tmp_path_factory.mktemp("certifikater")
    now = dt.datetime.now(dt.UTC)

    def name(common: str, organisation: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "DK"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                x509.NameAttribute(NameOID.COMMON_NAME, common),
            ]
        )

    def usage(ca: bool, signs: bool = True) -> x509.KeyUsage:
        """A CA's, a signatory's, or (signs=False) a key for encryption only."""
        return x509.KeyUsage(
            digital_signature=signs, content_commitment=signs and not ca, key_encipherment=not signs,
            data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
            encipher_only=False, decipher_only=False,
        )  # fmt: skip

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name("Test-CA for partnerskabsaftaler", "Testudsteder")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage(True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    (where / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files = {"ca": where / "ca.pem"}
    for label, common, organisation, key in (
        (
            "mette",
            "Mette Æbelø",
            "Fjordby Kommune",
            rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ),
        ("soeren", "Søren Ørum", "Familiestøtten Fjordby", ec.generate_private_key(ec.SECP256R1())),
        ("expired", "Udløbet Underskriver", "Fjordby Kommune", ec.generate_private_key(ec.SECP256R1())),
        ("ed25519", "Ella Edwards", "Familiestøtten Fjordby", ed25519.Ed25519PrivateKey.generate()),
        ("keyenc", "Kun Kryptering", "Fjordby Kommune", ec.generate_private_key(ec.SECP256R1())),
        ("server", "www.fjordby.example", "Fjordby Kommune", ec.generate_private_key(ec.SECP256R1())),
    ):
        ends = now - dt.timedelta(days=2) if label == "expired" else now + dt.timedelta(days=30)
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(common, organisation))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=10))
            .not_valid_after(ends)
            .add_extension(usage(False, signs=label != "keyenc"), critical=True)  # keyenc: encryption only
        )
        if label == "server":  # a web server's certificate
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
        cert = builder.sign(ca_key, hashes.SHA256())
        encryption = serialization.BestAvailableEncryption(PASSWORD.encode())
        blob = pkcs12.serialize_key_and_certificates(common.encode(), key, cert, [ca], encryption)
        (where / f"{label}.p12").write_bytes(blob)
        files[label] = where / f"{label}.p12"
    return files


def sign(project: Path, pdf: Path, certificate: Path, *extra: str, password: str = PASSWORD):
    return cli(
        project,
        "sign",
        str(pdf),
        "--certificate",
        str(certificate),
        *extra,
        env={"PARTNERSKAB_CERTIFICATE_PASSWORD": password},
    )


@pytest.mark.parametrize(
    "label, why",
    [
        ("keyenc", "dets nøglebrug (key usage) tillader ikke digitale signaturer"),
        ("server", "det er udstedt til andre formål (extended key usage), fx til en webserver"),
    ],
)
def test_a_certificate_not_issued_to_sign_with_is_refused_and_named_by_verify(
    sealed, certificates, tmp_path, label, why
):
    """A key for encryption only, or a web server's certificate, from the same trusted issuer:
    `sign` refuses it, and a PDF signed with it elsewhere is not accepted by `verify`, which
    names the reason (it said «not issued by the given issuers», or trusted the web server's)."""
    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    refused = sign(sealed, pdf, certificates[label])
    assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert f"certifikatet er ikke til at skrive under med: {why}." in refused.stderr
    from pyhanko.sign import signers

    from partnerskab.signing import sign_pdf

    signer = signers.SimpleSigner.load_pkcs12(str(certificates[label]), passphrase=PASSWORD.encode())
    copy = tmp_path / "kopi.pdf"
    copy.write_bytes(sign_pdf(pdf.read_bytes(), signer, "Underskrift 1"))
    verify = cli(sealed, "verify", str(copy), "--trust", str(certificates["ca"]))
    assert verify.returncode == 1, verify.stdout + verify.stderr
    assert f"certifikatet er IKKE til at skrive under med: {why}" in verify.stdout, verify.stdout


def test_an_expired_certificate_does_not_sign_and_verify_says_it_has_expired(
    sealed, certificates, tmp_path, capsys
):
    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    refused = sign(sealed, pdf, certificates["expired"])
    assert refused.returncode == 1 and "certifikatet udløb" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    # A PDF signed elsewhere with it, while it was still valid: verify names the real reason.
    from partnerskab.signing import load_certificate, sign_pdf

    signer = load_certificate(certificates["mette"].read_bytes(), PASSWORD.encode())
    signed = sign_pdf(pdf.read_bytes(), signer, "Underskrift 1")
    copy = tmp_path / "kopi.pdf"
    copy.write_bytes(signed)
    import partnerskab.signing as signing

    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=60)  # after the certificate has expired
    assert signing._validity(signer.signing_cert, later)[0] == "expired"
    report = cli(sealed, "verify", str(copy), "--trust", str(certificates["ca"]))
    assert report.returncode == 0, report.stdout + report.stderr  # still valid today
    # What verify says of it once it has expired (pyHanko then finds no trusted path).
    from partnerskab.seal import _print_signatures
    from partnerskab.signing import SignatureReport

    old = SignatureReport(
        "Underskrift 1", "Mette Æbelø", None, True, False, True, True, ("expired", "2026-01-31")
    )
    assert _print_signatures([old], None, [b"ca"]) is False
    assert "certifikatet udløb 31. januar 2026 og kan ikke kontrolleres" in capsys.readouterr().out


def test_an_ed25519_certificate_signs_with_its_own_digest(sealed, certificates):
    """Ed25519 has SHA-512 built in; asking it for SHA-256 failed with pyHanko's English."""
    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    result = sign(sealed, pdf, certificates["ed25519"])
    assert result.returncode == 0, result.stdout + result.stderr
    signed = folder(sealed) / f"{SIGNED.stem}.underskrevet-1.pdf"
    report = cli(sealed, "verify", str(signed), "--trust", str(certificates["ca"]))
    assert report.returncode == 0, report.stdout + report.stderr
    assert (
        "Underskrift 1: Ella Edwards (Familiestøtten Fjordby)" in report.stdout and "intakt" in report.stdout
    )


def test_ctrl_d_at_the_password_prompt_signs_nothing(sealed, certificates):
    """In a terminal `sign` asks for the password; Ctrl-D there ends it with a Danish line."""
    code, text = _sign_in_a_terminal(sealed, certificates["mette"], b"\x04")  # Ctrl-D
    assert code == 1, text
    assert "der blev ikke skrevet nogen adgangskode" in text and "Traceback" not in text
    assert not (folder(sealed) / f"{SIGNED.stem}.underskrevet-1.pdf").exists()


def test_two_signatories_sign_and_both_signatures_stay_valid(sealed, certificates):
    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    original = pdf.read_bytes()
    first = sign(sealed, pdf, certificates["mette"], "--reason", "Godkendt af direktionen")
    assert first.returncode == 0, first.stdout + first.stderr
    once = folder(sealed) / f"{SIGNED.stem}.underskrevet-1.pdf"
    assert "Underskrevet af Mette Æbelø (Fjordby Kommune)" in first.stdout and once.exists()
    second = sign(sealed, once, certificates["soeren"])
    assert second.returncode == 0, second.stdout + second.stderr
    twice = folder(sealed) / f"{SIGNED.stem}.underskrevet-2.pdf"
    assert pdf.read_bytes() == original  # never written over
    assert twice.read_bytes().startswith(original)  # signatures are added after the sealed bytes

    result = cli(sealed, "verify", str(twice), "--trust", str(certificates["ca"]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "en underskrevet udgave af den forseglede PDF" in result.stdout
    # `verify` gives the moment of signing in Danish time (seal._when), which is the next day
    # from 23.00 or 22.00 UTC on: the day of signing as Copenhagen had it, a few minutes ago or now
    try:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo("Europe/Copenhagen")
    except Exception:  # no time zone data: verify says UTC
        zone = dt.UTC
    now = dt.datetime.now(zone)
    days = {f" {(now - dt.timedelta(minutes=minutes)).day}." for minutes in (0, 15)}
    lines = [line for line in result.stdout.splitlines() if line.startswith("Underskrift ")]
    assert len(lines) == 2, result.stdout
    assert lines[0].startswith("Underskrift 1: Mette Æbelø (Fjordby Kommune), ")
    assert lines[1].startswith("Underskrift 2: Søren Ørum (Familiestøtten Fjordby), ")
    assert all(
        any(day in line for day in days)
        and ": intakt; certifikatet er udstedt af en betroet udsteder" in line
        for line in lines
    ), result.stdout
    untrusted = cli(sealed, "verify", str(twice))
    assert untrusted.returncode == 0 and "udstederen er ikke kontrolleret" in untrusted.stdout


def test_a_changed_byte_after_signing_is_detected(sealed, certificates, tmp_path):
    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    assert sign(sealed, pdf, certificates["mette"]).returncode == 0
    signed = (folder(sealed) / f"{SIGNED.stem}.underskrevet-1.pdf").read_bytes()
    sealed_size = len(pdf.read_bytes())
    # In the signature's revision: the signing time pyHanko wrote (/M) is covered by the signature.
    signature_part = signed[sealed_size:]
    index = signature_part.find(b"/M (D")
    assert index > 0
    tampered = bytearray(signed)
    digits = re.compile(rb"\d{14}").search(signature_part, index)  # D:YYYYMMDDHHMMSS
    position = sealed_size + digits.start() + 3  # the year's last digit
    tampered[position] = ord("7") if tampered[position] != ord("7") else ord("8")
    changed = tmp_path / "ændret.pdf"
    changed.write_bytes(bytes(tampered))
    result = cli(sealed, "verify", str(changed), "--trust", str(certificates["ca"]))
    assert result.returncode == 1, result.stdout
    assert "BRUDT" in result.stdout or "beskadiget" in result.stdout
    # In the sealed part: then it is no longer the sealed document at all.
    tampered = bytearray(signed)
    at = signed.find(b"/Title")
    tampered[at + 1] = ord("t")
    changed.write_bytes(bytes(tampered))
    result = cli(sealed, "verify", str(changed))
    assert result.returncode == 1 and "IKKE et forseglet dokument" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_signed_pdf_is_still_pdf_a_2b(sealed, certificates):
    from pypdf import PdfReader

    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    assert sign(sealed, pdf, certificates["soeren"]).returncode == 0  # ECDSA: no PDF 2.0 declared
    signed = folder(sealed) / f"{SIGNED.stem}.underskrevet-1.pdf"
    content = signed.read_bytes()
    assert content.startswith(b"%PDF-1.7")
    reader = PdfReader(signed)
    root = reader.trailer["/Root"]
    assert "/Version" not in root or str(root["/Version"]) <= "/1.7"
    assert "/ISO_" not in root.get("/Extensions", {})
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(>|=\")2", metadata) and re.search(r"pdfaid:conformance(>|=\")B", metadata)
    assert re.search(r"pdfuaid:part(>|=\")1", metadata)
    (field,) = [f.get_object() for f in root["/AcroForm"]["/Fields"]]
    assert field["/FT"] == "/Sig" and field["/Subtype"] == "/Widget"
    flags = int(field["/F"])
    assert flags & 4 and not flags & (1 | 2 | 32 | 256)  # Print; not Invisible, Hidden, NoView, ToggleNoView
    rect = [float(v) for v in field["/Rect"]]
    assert rect[0] == rect[2] and rect[1] == rect[3]  # zero size: no appearance needed
    page = field["/P"].get_object()
    box = [float(v) for v in page.get("/CropBox", page["/MediaBox"])]
    assert not (box[0] <= rect[0] <= box[2] and box[1] <= rect[1] <= box[3])  # outside: needs no tag (PDF/UA)
    assert "Søren Ørum" in str(field["/TU"])
    assert "/JavaScript" not in content.decode("latin-1")


def test_sign_refuses_what_it_must_refuse(sealed, certificates, tmp_path):
    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    wrong = sign(sealed, pdf, certificates["mette"], password="forkert")
    assert wrong.returncode == 1 and "adgangskoden til certifikatet er forkert" in wrong.stderr
    no_password = cli(sealed, "sign", str(pdf), "--certificate", str(certificates["mette"]))
    assert no_password.returncode == 1 and "PARTNERSKAB_CERTIFICATE_PASSWORD" in no_password.stderr
    options = cli(sealed, "sign", "--help").stdout
    assert "--password" not in options  # never on the command line
    other = tmp_path / "andet.pdf"
    other.write_bytes(b"%PDF-1.7\n%%EOF\n")
    unknown = sign(sealed, other, certificates["mette"])
    assert unknown.returncode == 1 and "ikke en forseglet PDF" in unknown.stderr
    not_p12 = tmp_path / "ikke.p12"
    not_p12.write_bytes(b"noget andet")
    bad = sign(sealed, pdf, not_p12)
    assert bad.returncode == 1 and "PKCS#12" in bad.stderr
    assert sign(sealed, pdf, certificates["mette"]).returncode == 0
    again = sign(sealed, pdf, certificates["mette"])  # the first signed copy is there already
    assert again.returncode == 1 and "bliver ikke overskrevet" in again.stderr
    for result in (wrong, no_password, unknown, bad, again):
        assert "Traceback" not in result.stdout + result.stderr
    leftovers = [p.name for p in folder(sealed).iterdir() if p.name.startswith(".")]
    assert not leftovers


def _sign_in_a_terminal(sealed: Path, certificate: Path, typed: bytes) -> tuple[int, str]:
    """`sign` run with a pseudo-terminal as its terminal and no password in the environment:
    `typed` is sent once it asks for the password. (Its exit code, all it wrote.)"""
    import pty

    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    command = [sys.executable, str(sealed / "build.py"), "sign", str(pdf), "--certificate", str(certificate)]
    env = {k: v for k, v in os.environ.items() if k != "PARTNERSKAB_CERTIFICATE_PASSWORD"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal is its controlling terminal
        os.chdir(sealed)
        os.execve(sys.executable, command, env)
    output = b""
    try:
        while b"Adgangskode til" not in output:
            output += os.read(fd, 1024)
        os.write(fd, typed)
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child has closed the terminal
                break
            if not chunk:
                break
            output += chunk
    finally:
        _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def test_the_password_is_asked_for_at_a_prompt(sealed, certificates):
    """In a terminal, `sign` asks for the password (getpass: not echoed, not in the history)."""
    code, text = _sign_in_a_terminal(sealed, certificates["mette"], PASSWORD.encode() + b"\n")
    assert code == 0, text
    assert PASSWORD not in text  # not echoed
    assert "Underskrevet af Mette Æbelø (Fjordby Kommune)" in text
    assert (folder(sealed) / f"{SIGNED.stem}.underskrevet-1.pdf").exists()


def test_a_page_changed_in_the_revision_that_carries_a_signature_is_caught(sealed, certificates, tmp_path):
    """A signature covers its own revision: someone could draw on a page and sign that. Each
    signature is then intact by pyHanko's validation, but the document is no longer the sealed
    one, and `verify` must say so (signing.only_signatures_added); `sign` refuses to add to it."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from partnerskab.signing import load_certificate

    sealed_pdf = (folder(sealed) / f"{SIGNED.stem}.pdf").read_bytes()
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed_pdf), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    box = writer.add_object(
        generic.StreamObject(stream_data=b"q 1 1 1 rg 60 600 480 120 re f Q")
    )  # white-out
    page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), box])
    writer.update_container(page)
    invisible = fields.InvisSigSettings(set_print_flag=True, set_hidden_flag=False, box_out_of_bounds=True)
    fields.append_signature_field(
        writer, fields.SigFieldSpec(sig_field_name="Underskrift 1", invis_sig_settings=invisible)
    )
    signer = load_certificate(certificates["mette"].read_bytes(), PASSWORD.encode())
    meta = signers.PdfSignatureMetadata(field_name="Underskrift 1", subfilter=fields.SigSeedSubFilter.PADES)
    forged = tmp_path / "overmalet.pdf"
    forged.write_bytes(signers.PdfSigner(meta, signer=signer).sign_pdf(writer).getvalue())

    result = cli(sealed, "verify", str(forged), "--trust", str(certificates["ca"]))
    assert result.returncode == 1, result.stdout
    assert "andet end underskrifter: det er ikke den forseglede aftale" in result.stdout
    assert "Underskrift 1: Mette Æbelø (Fjordby Kommune)" in result.stdout  # shown, for the record
    refused = sign(sealed, forged, certificates["soeren"])
    assert refused.returncode == 1 and "ikke en forseglet PDF" not in refused.stderr
    assert "verify" in refused.stderr


# --- what a review tried: each must end in exit 1 (or a Danish problem), never in «sealed» ----


def _new_catalog(pdf: bytes, text: bytes) -> bytes:
    """`pdf` with an update that points the trailer at a catalog and page tree of its own."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    previous = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    size, info = int(reader.trailer_view["/Size"]), reader.trailer_view.raw_get("/Info")
    content = b"BT /F 24 Tf 72 700 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages %d 0 R >>" % (size + 1),
        b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (size + 2),
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
        b"/Resources << /Font << /F %d 0 R >> >> >>" % (size + 1, size + 3, size + 4),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets = []
    for number, body in enumerate(objects, size):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n%d %d\n" % (size, len(objects)) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size + len(objects),
        size,
        info.idnum,
        previous,
        xref,
    )
    return bytes(out)


def test_a_document_of_its_own_after_the_sealed_one_is_not_the_sealed_one(sealed, certificates, tmp_path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pypdf import PdfReader

    from partnerskab.signing import load_certificate

    sealed_pdf = (folder(sealed) / f"{SIGNED.stem}.pdf").read_bytes()
    other = tmp_path / "andet-dokument.pdf"
    other.write_bytes(_new_catalog(sealed_pdf, b"Budget: 10.000.000 kr."))
    assert "10.000.000" in PdfReader(other).pages[0].extract_text()  # what a reader would see
    refused = sign(sealed, other, certificates["mette"])
    assert refused.returncode == 1 and "verify" in refused.stderr
    import io

    writer = IncrementalPdfFileWriter(io.BytesIO(other.read_bytes()), strict=False)
    meta = signers.PdfSignatureMetadata(field_name="Underskrift 1", subfilter=fields.SigSeedSubFilter.PADES)
    signer = load_certificate(certificates["mette"].read_bytes(), PASSWORD.encode())
    signed = tmp_path / "andet-dokument.underskrevet.pdf"
    signed.write_bytes(signers.PdfSigner(meta, signer=signer).sign_pdf(writer).getvalue())
    result = cli(sealed, "verify", str(signed), "--trust", str(certificates["ca"]))
    assert result.returncode == 1, result.stdout
    assert "det er ikke den forseglede aftale" in result.stdout


def test_bytes_after_the_last_signature_are_not_accepted(sealed, certificates, tmp_path):
    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    assert sign(sealed, pdf, certificates["mette"]).returncode == 0
    signed = (folder(sealed) / f"{SIGNED.stem}.underskrevet-1.pdf").read_bytes()
    for tail in (b"<script>alert(1)</script>", b"\n1 0 obj\n(x)\nendobj\n"):
        longer = tmp_path / "hale.pdf"
        longer.write_bytes(signed + tail)
        result = cli(sealed, "verify", str(longer))
        assert result.returncode == 1, (tail, result.stdout)
        assert "det er ikke den forseglede aftale" in result.stdout


def test_verify_trusts_only_seals_whose_files_are_what_they_record(sealed, tmp_path):
    """A seal.yaml written by hand for another PDF, as an earlier version or for no agreement at
    all, vouches for nothing: validate reports it, and verify does not name it."""
    forged_pdf = tmp_path / "falsk.pdf"
    forged_pdf.write_bytes(b"%PDF-1.7\n% falsk\n%%EOF\n")
    record = yaml.safe_load((folder(sealed) / "seal.yaml").read_text(encoding="utf-8"))
    import hashlib

    record["version"] = 1
    record["documents"]["pdf"] = {
        "file": "falsk.pdf",
        "sha256": hashlib.sha256(forged_pdf.read_bytes()).hexdigest(),
    }
    for where in (
        sealed / "sealed" / SIGNED.stem / "version-1",
        sealed / "sealed" / "ingen-aftale" / "version-1",
    ):
        where.mkdir(parents=True)
        shown = {**record, "agreement": f"{where.parent.name}.yaml"}
        (where / "seal.yaml").write_text(yaml.safe_dump(shown, allow_unicode=True), encoding="utf-8")
        shutil.copy(forged_pdf, where / "falsk.pdf")
        result = cli(sealed, "verify", str(forged_pdf))
        assert result.returncode == 1 and "IKKE et forseglet dokument" in result.stdout, result.stdout
        check = cli(sealed, "validate")
        assert check.returncode == 1
        assert (
            f"sealed/{where.parent.name}/version-1" in check.stdout
            and "passer ikke til forseglingen" in check.stdout
        )
        shutil.rmtree(where.parent if where.parent.name == "ingen-aftale" else where)
    odd = folder(sealed) / "seal.yaml"
    odd.write_text(odd.read_text(encoding="utf-8").replace(f"agreement: {SIGNED.name}", "agreement: 5"))
    result = cli(sealed, "verify", str(folder(sealed) / f"{SIGNED.stem}.pdf"))
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr


def test_annexes_are_sealed_and_published_as_they_were(project):
    annexed = project / "agreements" / DRAFT.name
    for name in ("bilag", "logos"):
        shutil.copytree(ROOT / name, project / name, dirs_exist_ok=True)
    data = yaml.safe_load(annexed.read_text(encoding="utf-8"))
    assert data["annexes"] and data["status"] == "draft"
    text = annexed.read_text(encoding="utf-8").replace("status: draft", "status: signed", 1)
    head, _, signatures = text.partition("\nsignatures:\n")
    dated = re.sub(r"^(  - partner: .*)$", r"\1\n    date: 2026-01-02", signatures, flags=re.MULTILINE)
    text = f"{head}\nsignatures:\n{dated}"  # signed means dated
    annexed.write_text(text, encoding="utf-8")
    result = cli(project, "seal", f"agreements/{DRAFT.name}")
    assert result.returncode == 0, result.stdout + result.stderr
    sealed_annex = next((project / "sealed" / DRAFT.stem / "version-1").glob(f"{DRAFT.stem}.bilag-*"))
    original = sealed_annex.read_bytes()
    annex = project / data["annexes"][0]["file"].replace("../", "")
    annex.write_bytes(annex.read_bytes() + b"\n% changed afterwards\n")
    assert cli(project, "validate", f"agreements/{DRAFT.name}").returncode == 0
    assert cli(project, "build", f"agreements/{DRAFT.name}", "--out", "out").returncode == 0
    assert (project / "out" / sealed_annex.name).read_bytes() == original
    sealed_annex.write_bytes(original + b"x")
    result = cli(project, "validate", f"agreements/{DRAFT.name}")
    assert result.returncode == 1 and f"Den forseglede fil {sealed_annex.name} passer ikke" in result.stdout


def test_a_seal_added_next_to_a_built_one_is_checked_at_the_next_build(sealed):
    assert cli(sealed, "build", "--out", "out").returncode == 0
    broken = sealed / "sealed" / SIGNED.stem / "version-3"
    broken.mkdir()
    (broken / "seal.yaml").write_text("version: [\n", encoding="utf-8")
    result = cli(sealed, "build", "--out", "out")
    assert result.returncode == 1 and "Forseglingen" in result.stdout, result.stdout


def test_a_sealed_agreement_does_not_become_a_draft_again(sealed):
    agreement = sealed / "agreements" / SIGNED.name
    agreement.write_text(agreement.read_text(encoding="utf-8").replace("status: signed", "status: draft"))
    result = cli(sealed, "validate", f"agreements/{SIGNED.name}")
    line = line_of(agreement, "status:")
    assert result.returncode == 1
    assert (
        f"{SIGNED.name}:{line}:9: error: Aftalen er forseglet (version 2 i sealed/), men har status draft"
        in result.stdout
    )


def test_seal_does_not_call_a_damaged_seal_sealed(sealed):
    html = folder(sealed) / f"{SIGNED.stem}.html"
    html.write_bytes(html.read_bytes() + b"\n")
    result = cli(sealed, "seal", f"agreements/{SIGNED.name}")
    assert result.returncode == 1 and "passer ikke til forseglingen" in result.stderr


def test_verify_refuses_a_bad_trust_file_and_a_huge_file_in_danish(sealed, tmp_path):
    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    not_a_certificate = tmp_path / "ikke.pem"
    not_a_certificate.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    result = cli(sealed, "verify", str(pdf), "--trust", str(not_a_certificate))
    assert result.returncode == 1 and "--trust: filen er ikke et certifikat" in result.stderr
    huge = tmp_path / "stor.pdf"
    with huge.open("wb") as handle:  # sparse: 200 MB that take no room
        handle.write(b"%PDF-1.7\n")
        handle.truncate(200 * 1024 * 1024)
    result = cli(sealed, "verify", str(huge))
    assert result.returncode == 1 and "IKKE et forseglet dokument" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("change", ["need-appearances", "visible-widget", "widget-action"])
def test_a_signature_field_changed_later_is_caught(sealed, certificates, tmp_path, change):
    """Objects added with one signature may be changed in the update of the next one: the form
    must stay signature fields that show and run nothing."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from partnerskab.signing import load_certificate

    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    assert sign(sealed, pdf, certificates["mette"]).returncode == 0
    once = (folder(sealed) / f"{SIGNED.stem}.underskrevet-1.pdf").read_bytes()
    writer = IncrementalPdfFileWriter(io.BytesIO(once), strict=False)
    form = writer.root["/AcroForm"]
    widget = form["/Fields"][0].get_object()
    if change == "need-appearances":
        form["/NeedAppearances"] = generic.BooleanObject(True)
        writer.update_container(form)
    elif change == "visible-widget":
        widget["/Rect"] = generic.ArrayObject(map(generic.FloatObject, (60, 600, 540, 720)))
        writer.update_container(widget)
    else:
        action = {"/S": generic.NameObject("/JavaScript"), "/JS": generic.TextStringObject("app.alert(1)")}
        widget["/AA"] = generic.DictionaryObject(
            {generic.NameObject("/PO"): generic.DictionaryObject(action)}
        )
        writer.update_container(widget)
    meta = signers.PdfSignatureMetadata(field_name="Underskrift 2", subfilter=fields.SigSeedSubFilter.PADES)
    signer = load_certificate(certificates["soeren"].read_bytes(), PASSWORD.encode())
    changed = tmp_path / f"{change}.pdf"
    changed.write_bytes(signers.PdfSigner(meta, signer=signer).sign_pdf(writer).getvalue())
    result = cli(sealed, "verify", str(changed), "--trust", str(certificates["ca"]))
    assert result.returncode == 1, result.stdout
    assert "det er ikke den forseglede aftale" in result.stdout


# --- a second review: what readers other than pyHanko would show ----------------------------


def _signed_once(sealed, certificates) -> tuple[bytes, bytes]:
    pdf = folder(sealed) / f"{SIGNED.stem}.pdf"
    assert sign(sealed, pdf, certificates["mette"]).returncode == 0
    return pdf.read_bytes(), (folder(sealed) / f"{SIGNED.stem}.underskrevet-1.pdf").read_bytes()


def test_updates_must_have_the_plain_form_every_reader_agrees_on(sealed, certificates):
    """A section without /Prev (readers then start afresh from it), an object listed twice (pyHanko
    takes the last entry, poppler the first), a cross-reference stream, or bytes that are no
    update: refused before anything is compared."""
    from partnerskab.signing import MAX_UPDATES, _updates, only_signatures_added

    original, signed = _signed_once(sealed, certificates)
    size = len(original)
    assert _updates(signed, size) == 1 and only_signatures_added(signed, size)
    prev = re.search(rb"/Prev \d+\n", signed[size:])
    without_prev = signed[: size + prev.start()] + signed[size + prev.end() :]
    table = signed.rindex(b"\nxref\n") + 1
    entry = re.search(rb"\n(\d+) 1\n(\d{10} \d{5} n \n)", signed[table:])
    twice = signed[: table + entry.end()] + entry.group(0)[1:] + signed[table + entry.end() :]
    trailer = signed.rindex(b"/Prev")
    stream = signed[:trailer] + b"/XRefStm 0 " + signed[trailer:]  # a hybrid file's second table
    for changed in (without_prev, twice, signed + b"\n%junk\n", stream):
        assert _updates(changed, size) is None
        assert not only_signatures_added(changed, size)
    many = bytearray(signed)
    for _ in range(MAX_UPDATES + 1):  # empty updates, each pointing at the one before
        previous = int(re.findall(rb"startxref\s+(\d+)", bytes(many))[-1])
        at = len(many)
        many += b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Root 533 0 R /Prev %d >>\n" % previous
        many += b"startxref\n%d\n%%%%EOF\n" % at
    assert _updates(bytes(many), size) is None  # refused at once, not after a long parse


def test_an_unsigned_update_that_makes_a_later_signature_field_visible_is_caught(
    sealed, certificates, tmp_path
):
    """Update 1 adds a zero-size signature field, update 2 gives it a size and a picture, update
    3 signs another field: no signature covers a change, so only the state after each update
    can show it."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from partnerskab.signing import load_certificate, only_signatures_added

    name = generic.NameObject
    original = (folder(sealed) / f"{SIGNED.stem}.pdf").read_bytes()
    invisible = fields.InvisSigSettings(set_print_flag=True, set_hidden_flag=False, box_out_of_bounds=True)
    writer = IncrementalPdfFileWriter(io.BytesIO(original), strict=False)
    fields.append_signature_field(
        writer, fields.SigFieldSpec(sig_field_name="Felt", invis_sig_settings=invisible)
    )
    first = io.BytesIO()
    writer.write(first)
    writer = IncrementalPdfFileWriter(io.BytesIO(first.getvalue()), strict=False)
    widget = writer.root["/AcroForm"]["/Fields"][0].get_object()
    picture = generic.StreamObject(
        {name("/Type"): name("/XObject"), name("/Subtype"): name("/Form"),
         name("/BBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 480, 200)])},
        stream_data=b"q 1 1 1 rg 0 0 480 200 re f Q",
    )  # fmt: skip
    widget[name("/AP")] = generic.DictionaryObject({name("/N"): writer.add_object(picture)})
    widget[name("/Rect")] = generic.ArrayObject([generic.FloatObject(v) for v in (60, 500, 540, 700)])
    writer.update_container(widget)
    second = io.BytesIO()
    writer.write(second)
    writer = IncrementalPdfFileWriter(io.BytesIO(second.getvalue()), strict=False)
    fields.append_signature_field(
        writer, fields.SigFieldSpec(sig_field_name="Underskrift", invis_sig_settings=invisible)
    )
    meta = signers.PdfSignatureMetadata(field_name="Underskrift", subfilter=fields.SigSeedSubFilter.PADES)
    signer = load_certificate(certificates["mette"].read_bytes(), PASSWORD.encode())
    forged = signers.PdfSigner(meta, signer=signer).sign_pdf(writer).getvalue()
    assert not only_signatures_added(forged, len(original))
    path = tmp_path / "tre-trin.pdf"
    path.write_bytes(forged)
    assert cli(sealed, "verify", str(path), "--trust", str(certificates["ca"])).returncode == 1


def test_the_title_readers_show_may_not_change(sealed, certificates):
    """The sealed PDF asks viewers to show its title (DisplayDocTitle): /Info's title is kept."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from partnerskab.signing import load_certificate, only_signatures_added

    original = (folder(sealed) / f"{SIGNED.stem}.pdf").read_bytes()
    writer = IncrementalPdfFileWriter(io.BytesIO(original), strict=False)
    info = writer.trailer["/Info"]
    info[generic.NameObject("/Title")] = generic.TextStringObject("OPHÆVET – erstattet af en ny aftale")
    writer.update_container(info)
    invisible = fields.InvisSigSettings(set_print_flag=True, set_hidden_flag=False, box_out_of_bounds=True)
    fields.append_signature_field(
        writer, fields.SigFieldSpec(sig_field_name="U", invis_sig_settings=invisible)
    )
    meta = signers.PdfSignatureMetadata(field_name="U", subfilter=fields.SigSeedSubFilter.PADES)
    signer = load_certificate(certificates["mette"].read_bytes(), PASSWORD.encode())
    assert not only_signatures_added(
        signers.PdfSigner(meta, signer=signer).sign_pdf(writer).getvalue(), len(original)
    )


def test_odd_files_in_the_archive_are_problems_not_crashes(sealed, tmp_path):
    """A seal.yaml nested too deep for the YAML reader, a sealed file that is a link (to a
    device that never ends) or a pipe: validate and verify answer in Danish and stop."""
    seal_file = folder(sealed) / "seal.yaml"
    good = seal_file.read_text(encoding="utf-8")
    seal_file.write_text("title: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    result = cli(sealed, "validate")
    assert result.returncode == 1 and "Forseglingen" in result.stdout and "Traceback" not in result.stderr
    seal_file.write_text(good, encoding="utf-8")
    html = folder(sealed) / f"{SIGNED.stem}.html"
    html.unlink()
    html.symlink_to("/dev/zero")
    result = cli(sealed, "validate")
    assert result.returncode == 1 and f"Den forseglede fil {html.name} passer ikke" in result.stdout
    verify = cli(sealed, "verify", str(folder(sealed) / f"{SIGNED.stem}.pdf"))
    assert verify.returncode == 1 and "Traceback" not in verify.stderr  # the seal no longer vouches
    html.unlink()
    os.mkfifo(html)
    result = cli(sealed, "validate")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    device = cli(sealed, "verify", "/dev/zero")
    assert device.returncode == 1 and "ikke en almindelig fil" in device.stderr


# --- a third review: where PDF readers disagree ----------------------------------------------


def _object(pdf: bytes, number: int) -> bytes:
    """The last definition of object `number` in `pdf`, without its header and endobj."""
    start = pdf.rindex(b"\n%d 0 obj" % number) + len(b"\n%d 0 obj" % number)
    return pdf[start : pdf.index(b"endobj", start)].strip()


def _append_update(pdf: bytes, objects: dict[int, bytes]) -> bytes:
    """`pdf` with one more update in the plain form, holding `objects`."""
    previous = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    trailer = pdf[pdf.rindex(b"trailer") : pdf.rindex(b"startxref")]
    root = re.search(rb"/Root (\d+) 0 R", trailer).group(1)
    info = re.search(rb"/Info (\d+) 0 R", trailer).group(1)
    size = max(int(re.search(rb"/Size (\d+)", trailer).group(1)), max(objects) + 1)
    out, offsets = bytearray(pdf), {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for number, offset in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n \n" % (number, offset)
    out += b"trailer\n<< /Size %d /Root %s 0 R /Info %s 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        root,
        info,
        previous,
        table,
    )
    return bytes(out)


def test_what_readers_could_read_two_ways_is_refused(sealed, certificates):
    from partnerskab.signing import _updates, only_signatures_added

    original, signed = _signed_once(sealed, certificates)
    size = len(original)
    end = signed.rindex(b">>\nstartxref")
    twice_prev = signed[:end] + b"/Prev 0 " + signed[end:]  # readers take the first, or the last
    assert _updates(twice_prev, size) is None
    table = signed.rindex(b"\nxref\n")
    entry = re.compile(rb"(\d{10}) 00000 n").search(signed, table)
    other_generation = signed[: entry.start()] + entry.group(1) + b" 00001 n" + signed[entry.end() :]
    assert _updates(other_generation, size) is None

    import io

    from pypdf import PdfReader

    number = PdfReader(io.BytesIO(original)).pages[0].indirect_reference.idnum  # pyHanko rewrote it
    body = _object(signed, number)
    assert body.rstrip().endswith(b">>")
    twice_key = body.rstrip()[:-2] + b"/Contents [] /Resources << >> >>"  # the same keys again, emptied
    appended = _append_update(signed, {number: twice_key})
    assert _updates(appended, size) == 2
    assert not only_signatures_added(appended, size)

    root = int(re.search(rb"/Root (\d+) 0 R", signed[signed.rindex(b"trailer") :]).group(1))
    catalog = _object(signed, root)
    fresh = max(map(int, re.findall(rb"\n(\d+) 0 obj", signed))) + 1
    packet = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'
    new_metadata = re.sub(rb"/Metadata \d+ 0 R", b"/Metadata %d 0 R" % fresh, catalog)
    assert new_metadata != catalog
    appended = _append_update(
        signed,
        {
            fresh: b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream"
            % (len(packet), packet),
            root: new_metadata,
        },
    )
    assert not only_signatures_added(appended, size)


# --- a fourth review: a reader that rebuilds the cross-references from the text --------------


@pytest.mark.parametrize("trick", ["hidden-objects", "broken-reference", "both"])
def test_nothing_for_a_rebuilding_reader_to_find(sealed, certificates, trick):
    """A broken reference makes poppler rebuild a file's cross-references by scanning it for
    `N 0 obj`, and the last one found wins: object headers hidden in a stream that nothing uses
    would then replace sealed pages. Neither the hidden headers nor a broken reference pass."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from partnerskab.signing import load_certificate, only_signatures_added

    original = (folder(sealed) / f"{SIGNED.stem}.pdf").read_bytes()
    writer = IncrementalPdfFileWriter(io.BytesIO(original), strict=False)
    invisible = fields.InvisSigSettings(set_print_flag=True, set_hidden_flag=False, box_out_of_bounds=True)
    fields.append_signature_field(
        writer, fields.SigFieldSpec(sig_field_name="U", invis_sig_settings=invisible)
    )
    if trick in ("hidden-objects", "both"):
        payload = b"\n520 0 obj\n<< /Length 9 >>\nstream\nBT ET q Q\nendstream\nendobj\n"
        writer.add_object(generic.StreamObject(stream_data=payload))  # referenced by nothing
    if trick in ("broken-reference", "both"):
        widget = writer.root["/AcroForm"]["/Fields"][0].get_object()
        widget[generic.NameObject("/TM")] = generic.IndirectObject(9999, 0, writer)
        writer.update_container(widget)
    meta = signers.PdfSignatureMetadata(field_name="U", subfilter=fields.SigSeedSubFilter.PADES)
    signer = load_certificate(certificates["mette"].read_bytes(), PASSWORD.encode())
    forged = signers.PdfSigner(meta, signer=signer).sign_pdf(writer).getvalue()
    assert not only_signatures_added(forged, len(original))


def test_empty_cross_reference_subsections_are_refused_at_once(sealed, certificates):
    from partnerskab.signing import _updates

    original, signed = _signed_once(sealed, certificates)
    table = signed.rindex(b"\nxref\n") + len(b"\nxref\n")
    padded = signed[:table] + b"0 0\n" * 1000 + signed[table:]
    assert _updates(padded, len(original)) is None


@pytest.mark.parametrize("way", ["pyhanko-metadata", "certify"])
def test_the_metadata_stays_sealed_and_no_signature_certifies(sealed, certificates, way):
    """`sign` leaves /Info and the XMP packet as sealed (a viewer's title and claims come from
    them), so any change to them is refused; and a certification (/Perms DocMDP), which would
    bar the next signatory, is refused too."""
    import io

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from partnerskab.signing import load_certificate, only_signatures_added

    original = (folder(sealed) / f"{SIGNED.stem}.pdf").read_bytes()
    writer = IncrementalPdfFileWriter(io.BytesIO(original), strict=False)
    if way == "certify":
        writer._update_meta = lambda: None  # as sign_pdf does: only the certification differs
    invisible = fields.InvisSigSettings(set_print_flag=True, set_hidden_flag=False, box_out_of_bounds=True)
    fields.append_signature_field(
        writer, fields.SigFieldSpec(sig_field_name="U", invis_sig_settings=invisible)
    )
    meta = signers.PdfSignatureMetadata(
        field_name="U", subfilter=fields.SigSeedSubFilter.PADES, certify=way == "certify"
    )
    signer = load_certificate(certificates["mette"].read_bytes(), PASSWORD.encode())
    signed = signers.PdfSigner(meta, signer=signer).sign_pdf(writer).getvalue()
    assert not only_signatures_added(signed, len(original))
    ours = sign(sealed, folder(sealed) / f"{SIGNED.stem}.pdf", certificates["mette"])
    assert ours.returncode == 0
    mine = (folder(sealed) / f"{SIGNED.stem}.underskrevet-1.pdf").read_bytes()
    assert _object(
        mine, int(re.search(rb"/Info (\d+) 0 R", mine[mine.rindex(b"trailer") :]).group(1))
    ) == _object(
        original, int(re.search(rb"/Info (\d+) 0 R", original[original.rindex(b"trailer") :]).group(1))
    )  # sign leaves the document information as sealed
