"""Digital signatures (PAdES) with pyHanko: `build.py sign` and the signature part of `verify`.

A signature is added as an incremental update: the sealed PDF's bytes stay the first part of
the signed file, unchanged, so `verify` can still tell which sealed document it is, and each
signature covers everything before it, earlier signatures included.

What keeps the sealed PDF an archival (PDF/A-2b) and accessible (PDF/UA-1) document:
- The signature field is invisible (a zero-size widget, which PDF/A-2 lets go without an
  appearance), with the Print flag and no Hidden flag, as PDF/A-2 requires of annotations.
- pyHanko would declare ISO/TS 32002 for an ECDSA key and raise the catalog's version to PDF
  2.0; PDF/A-2 is based on PDF 1.7, so only the ESIC extension (PAdES in PDF 1.7) is declared.
- PDF/UA-1 wants every annotation on the page in the structure tree, except those outside
  the page's crop box. Adding to the structure tree in a later revision would change objects
  an earlier signature covers, and pyHanko's validation rightly calls that suspicious; so the
  widget lies outside the crop box (pyHanko's box_out_of_bounds), where it needs no tag, and
  carries a tooltip (TU) naming the signatory.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path


class SigningFailed(Exception):
    """A Danish sentence for the person signing."""


def _signer_class():
    from pyhanko.sign import signers

    class PdfA2Signer(signers.PdfSigner):
        def register_extensions(self, pdf_out, *, md_algorithm: str):  # noqa: ARG002
            from pyhanko.sign.signers.pdf_signer import _ensure_esic_ext

            _ensure_esic_ext(pdf_out)  # PAdES in PDF 1.7; never PDF 2.0's ISO 32002 (see above)

    return PdfA2Signer


def load_certificate(p12: bytes, password: bytes):
    """A pyHanko signer from a PKCS#12 file (.p12/.pfx), or SigningFailed in Danish."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign import signers

    try:
        key, cert, _ = pkcs12.load_key_and_certificates(p12, password or None)
    except ValueError as exc:
        text = str(exc).lower()
        if "password" in text or "mac" in text or "decrypt" in text:
            raise SigningFailed("adgangskoden til certifikatet er forkert") from exc
        raise SigningFailed("filen er ikke et certifikat i PKCS#12-format (.p12 eller .pfx)") from exc
    if key is None or cert is None:
        raise SigningFailed("certifikatfilen indeholder ikke både et certifikat og dets nøgle")
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".p12") as handle:  # pyHanko reads from a file
        handle.write(p12)
        handle.flush()
        signer = signers.SimpleSigner.load_pkcs12(handle.name, passphrase=password or None)
    if signer is None:
        raise SigningFailed("certifikatet kan ikke bruges til at skrive under med")
    unfit = _usage(signer.signing_cert)
    if unfit:  # a key for encryption, a web server's certificate: not one to sign documents with
        from .messages import COMMANDS

        raise SigningFailed(COMMANDS["sign_usage"].format(why=usage_reason(unfit)))
    problem = _validity(signer.signing_cert, dt.datetime.now(dt.UTC))
    if problem:  # a signature with it could never be checked as trusted
        from .i18n import Formats
        from .messages import COMMANDS

        day = Formats("da").plain_date(problem[1])
        raise SigningFailed(
            COMMANDS["sign_expired" if problem[0] == "expired" else "sign_not_yet"].format(day=day)
        )
    return signer


def signer_name(signer) -> str:
    subject = signer.signing_cert.subject.native
    name = subject.get("common_name") or signer.signing_cert.subject.human_friendly
    organisation = subject.get("organization_name")
    return f"{name} ({organisation})" if organisation else name


def sign_pdf(pdf: bytes, signer, field_name: str, reason: str | None = None) -> bytes:
    """`pdf` with one more PAdES signature, by `signer`, in a new invisible, tagged field."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    # pyHanko would write its name and the time into /Info and rewrite the whole XMP packet. The
    # sealed PDF's metadata stays as it was sealed: verify requires both unchanged (a reader's
    # title comes from them), and PDF/A wants them to agree, which untouched they do.
    writer._update_meta = lambda: None
    invisible = fields.InvisSigSettings(set_print_flag=True, set_hidden_flag=False, box_out_of_bounds=True)
    fields.append_signature_field(
        writer, fields.SigFieldSpec(sig_field_name=field_name, invis_sig_settings=invisible)
    )
    _name_field(writer, field_name, f"Digital underskrift: {signer_name(signer)}", generic)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm=_digest(signer),
        reason=reason,
    )
    out = _signer_class()(meta, signer=signer).sign_pdf(writer)
    return out.getvalue()


def _digest(signer) -> str:
    """SHA-256, as PAdES asks; an Ed25519 or Ed448 key has its own digest built in."""
    algorithm = signer.signing_cert.public_key.algorithm
    return {"ed25519": "sha512", "ed448": "shake256"}.get(algorithm, "sha256")


def _name_field(writer, field_name: str, label: str, generic) -> None:
    """The tooltip (TU) that names the new signature field to assistive technology."""
    acroform = writer.root["/AcroForm"]
    widget = next(ref.get_object() for ref in acroform["/Fields"] if ref.get_object().get("/T") == field_name)
    widget["/TU"] = generic.TextStringObject(label)
    writer.update_container(widget)


@dataclass
class SignatureReport:
    field: str
    signer: str
    when: str | None
    intact: bool
    trusted: bool
    covers_rest: bool  # nothing but later signatures was changed after it
    whole_file: bool = False  # it covers the file to its last byte (the last signature must)
    # The certificate's validity when it is not valid now: ("expired" or "not_yet", the date).
    validity: tuple[str, str] | None = None
    usage: str | None = None  # why the certificate is not one to sign with (_usage)


# What a certificate that names its purposes (extended key usage) must name one of, to sign
# documents with: e-mail protection and client authentication (personal and employee certificates
# such as MitID Erhverv's), document signing (RFC 9336, Microsoft's, Adobe's), or any purpose.
SIGNING_PURPOSES = {
    "email_protection", "client_auth", "any_extended_key_usage",
    "1.3.6.1.5.5.7.3.36", "1.3.6.1.4.1.311.10.3.12", "1.2.840.113583.1.1.5",
}  # fmt: skip


def _usage(cert) -> str | None:
    """Why a certificate is not one to sign documents with: "key" when its key usage allows
    neither digital signatures nor non-repudiation (a key for encryption), "purpose" when it is
    issued for other purposes only (a web server's); None when it is fit, or says nothing."""
    if cert is None:
        return None
    usage = cert.key_usage_value
    if usage is not None and not {"digital_signature", "non_repudiation"} & set(usage.native):
        return "key"
    purposes = cert.extended_key_usage_value
    if purposes is not None and not SIGNING_PURPOSES & set(purposes.native):
        return "purpose"
    return None


def usage_reason(unfit: str) -> str:
    """Why, in Danish, for what _usage found ("key" or "purpose"): for `sign` and `verify`."""
    from .messages import COMMANDS

    return COMMANDS["usage_key" if unfit == "key" else "usage_purpose"]


def _validity(cert, now: dt.datetime) -> tuple[str, str] | None:
    """Why a certificate is not valid at `now`, with the date it ends or begins; None if it is."""
    if cert is None:
        return None
    valid = cert["tbs_certificate"]["validity"]
    starts, ends = valid["not_before"].native, valid["not_after"].native
    if now > ends:
        return ("expired", ends.date().isoformat())
    if now < starts:
        return ("not_yet", starts.date().isoformat())
    return None


# What adding an invisible signature may change in an object the sealed PDF already had.
_ROOT_KEYS = {"/AcroForm", "/Extensions", "/DSS"}
_PAGE_KEYS = {"/Annots"}
# What a signature dictionary may hold: pyHanko's keys; no /Reference (a certification or
# usage-rights transform that viewers act on).
_SIGNATURE_KEYS = {
    "/Type", "/Filter", "/SubFilter", "/ByteRange", "/Contents", "/M", "/Name", "/Reason", "/Location",
    "/ContactInfo", "/Prop_Build",
}  # fmt: skip
# The keys a signature field (merged with its widget) may have: nothing to show, nothing to run.
_FIELD_KEYS = {
    "/Type",
    "/Subtype",
    "/FT",
    "/T",
    "/TU",
    "/TM",
    "/F",
    "/Ff",
    "/P",
    "/Rect",
    "/V",
    "/Lock",
    "/SV",
}
_FORM_KEYS = {"/Fields", "/SigFlags"}
# More updates than signatures can need (a signature, and perhaps validation data and a time
# stamp each): a file with more is refused before it is read further.
MAX_UPDATES = 50

_OBJ_HEADER = re.compile(rb"(?<![0-9])\d+\s+\d+\s+obj(?![A-Za-z0-9])")
MAX_OBJECTS = 10_000  # objects in one update: a signature needs a handful
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")
_SUBSECTION = re.compile(rb"(\d+) (\d+)[ \t]*(?:\r\n|\r|\n)")


def _updates(pdf: bytes, sealed: int) -> int | None:
    """The number of incremental updates after the first `sealed` bytes, when each has the
    plain form pyHanko writes (objects, one classic cross-reference table that names each
    object once and points into the update, a trailer whose /Prev is the update before, no
    cross-reference stream), and nothing else follows; else None. Then every PDF reader finds
    the same objects pyHanko does: no object listed twice, no section that starts afresh."""
    starts = re.findall(rb"startxref\s+(\d+)\s+%%EOF", pdf[:sealed])
    if not starts:
        return None
    previous, position, count = int(starts[-1]), sealed, 0
    while position < len(pdf):
        if pdf[position:].strip(b"\r\n\t \x00") == b"":
            return None  # trailing bytes that are no update
        end = pdf.find(b"%%EOF", position)
        tail = re.search(rb"startxref\s+(\d+)\s+%%EOF$", pdf[position : end + 5]) if end >= 0 else None
        if tail is None:
            return None
        table = int(tail.group(1))
        if not position <= table < end or pdf[table : table + 4] != b"xref":
            return None
        at, seen, listed = table + 4, set(), set()
        while True:
            while pdf[at : at + 1] in (b" ", b"\r", b"\n"):
                at += 1
            if pdf.startswith(b"trailer", at):
                break
            header = _SUBSECTION.match(pdf, at)
            if header is None:
                return None
            first, length = int(header.group(1)), int(header.group(2))
            if length == 0 or len(seen) + length > MAX_OBJECTS:
                return None  # an empty subsection says nothing; millions would only take time
            at = header.end()
            for number in range(first, first + length):
                entry = _XREF_ENTRY.match(pdf, at)
                if entry is None or number in seen:
                    return None
                seen.add(number)
                at = entry.end()
                offset, generation, kind = int(entry.group(1)), int(entry.group(2)), entry.group(3)
                if kind == b"f":
                    if number != 0:
                        return None  # nothing of the sealed PDF is freed
                    continue
                if generation != 0:  # what the sealed PDF and pyHanko write; readers differ on others
                    return None
                if not position <= offset < table or not re.match(
                    rb"%d 0 obj\b" % number, pdf[offset : offset + 40]
                ):
                    return None
                listed.add(offset)
        # No object header the table does not list, and no second table or trailer: a reader
        # that rebuilds a damaged file's cross-references from the text would find them.
        if {m.start() for m in _OBJ_HEADER.finditer(pdf, position, table)} != listed:
            return None
        if re.search(rb"(?<![A-Za-z])(xref|trailer|startxref)(?![A-Za-z])", pdf[position:table]):
            return None
        trailer = pdf[at:end]
        prev = re.search(rb"/Prev\s+(\d+)", trailer)
        if prev is None or int(prev.group(1)) != previous or re.search(rb"/XRefStm|/Encrypt", trailer):
            return None
        # each key once: readers differ on which of two they take
        if any(
            len(re.findall(rb"/%s(?![A-Za-z0-9])" % key, trailer)) != 1 for key in (b"Prev", b"Root", b"Size")
        ):
            return None
        previous, count = table, count + 1
        position = end + 5
        while pdf[position : position + 1] in (b"\r", b"\n"):
            position += 1
        if count > MAX_UPDATES:
            return None
    return count


def _strict_reader(pdf: bytes):
    """pyHanko's reader in strict mode, once every object and trailer has been read with it;
    None when a dictionary has a key twice (readers differ on which one counts) or anything
    else is irregular. The checks that follow read the file through it, so it is parsed once."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=True)
        xrefs = reader.xrefs
        for revision in range(xrefs.total_revisions):
            for ref in xrefs.explicit_refs_in_revision(revision):
                reader.get_historical_resolver(revision)(ref)
            reader.get_historical_resolver(revision).trailer_view  # noqa: B018
    except Exception:
        return None
    return reader


def _xmp_title(data: bytes) -> list[str] | None:
    """The XMP packet's dc:title values, read with an XML parser, or None when the packet has a
    document type (entities) or not exactly one title: nothing that parsers could read in two
    ways."""
    import xml.etree.ElementTree as ElementTree

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return None
    try:
        tree = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None
    titles = tree.findall(".//{http://purl.org/dc/elements/1.1/}title")
    if len(titles) != 1:
        return None
    return [item.text or "" for item in titles[0].iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li")]


def only_signatures_added(pdf: bytes, sealed: int) -> bool:
    """Whether the bytes after the first `sealed` bytes (the sealed PDF) are updates that only
    add invisible signatures, so that every reader shows what the sealed PDF shows.

    - The updates have pyHanko's plain form (_updates), so readers agree on the objects.
    - No update changes what the sealed PDF had, except: in the catalog, the form, the
      extensions and the validation data (DSS); in a page, its list of annotations. The
      document information and the XMP metadata stay as sealed (sign_pdf leaves them alone),
      nothing is freed, and there is no certification or usage-rights entry (/Perms).
    - At every update, and not only at the last (an object added in one update could be
      changed in the next), each page shows its sealed annotations and then only zero-size
      signature widgets with nothing to show or run, and the form holds only those.

    A signature covers its own update, so pyHanko's validation, which looks at what came after
    each signature, cannot see a page changed in the update that carries it; this does."""
    from pyhanko.pdf_utils import generic

    updates = _updates(pdf, sealed)
    if not updates:
        return False
    reader = _strict_reader(pdf)
    if reader is None:
        return False
    xrefs = reader.xrefs
    if xrefs.total_revisions != 1 + updates or xrefs.get_startxref_for_revision(1) < sealed:
        return False
    first = reader.get_historical_resolver(0)
    root = first.root_ref

    def deref(value):
        return value.get_object() if isinstance(value, generic.IndirectObject) else value

    def raw(dictionary, key: str, default=None):
        """The value as written (a reference stays a reference), or `default` when missing."""
        return dictionary.raw_get(key) if key in dictionary else default

    def key_of(ref) -> tuple[int, int]:
        return (ref.idnum, ref.generation)

    def same_except(before, after, keys: set[str]) -> bool:
        if not isinstance(before, generic.DictionaryObject) or not isinstance(
            after, generic.DictionaryObject
        ):
            return False
        return all(raw(before, k) == raw(after, k) for k in (set(before) | set(after)) - keys)

    def invisible_signature(ref) -> bool:
        """A zero-size widget of a signature field, with nothing to show or run: an indirect
        object whose values are what pyHanko writes, directly (no reference to follow, none
        broken), and whose signature value, if signed, is a signature dictionary."""
        if not isinstance(ref, generic.IndirectObject):
            return False
        widget = deref(ref)
        if not isinstance(widget, generic.DictionaryObject) or set(widget) - _FIELD_KEYS:
            return False
        text = (generic.TextStringObject, generic.ByteStringObject)
        if any(not isinstance(raw(widget, k), text) for k in ("/T", "/TU", "/TM") if k in widget):
            return False
        if any(not isinstance(raw(widget, k), generic.NumberObject) for k in ("/F", "/Ff") if k in widget):
            return False
        rect = raw(widget, "/Rect")
        if not isinstance(rect, generic.ArrayObject) or len(rect) != 4:
            return False
        if not all(isinstance(v, generic.NumberObject | generic.FloatObject) for v in rect):
            return False
        if any(k in widget and not isinstance(raw(widget, k), generic.IndirectObject) for k in ("/P", "/V")):
            return False
        if "/V" in widget:
            value = deref(raw(widget, "/V"))
            if not isinstance(value, generic.DictionaryObject) or value.get("/Type") != "/Sig":
                return False
            if set(value) - _SIGNATURE_KEYS:
                return False
        if any(
            k in widget and not isinstance(deref(raw(widget, k)), generic.DictionaryObject)
            for k in ("/Lock", "/SV")
        ):
            return False
        rect = [float(v) for v in rect]
        return (
            widget.get("/Type", "/Annot") == "/Annot"
            and widget.get("/Subtype") == "/Widget"
            and widget.get("/FT") == "/Sig"
            and (rect[0] == rect[2] or rect[1] == rect[3])
        )

    pages = []
    stack = [first.root.raw_get("/Pages")]
    while stack:
        node_ref = stack.pop()
        node = node_ref.get_object()
        if node.get("/Type") == "/Pages":
            stack.extend(node["/Kids"])
        else:
            pages.append(node_ref.reference)
    page_keys = {key_of(p) for p in pages}
    info = raw(first.trailer_view, "/Info")
    metadata = raw(first.root, "/Metadata")

    def title(resolver) -> list[str] | None:
        """The title in the metadata, as an XML parser reads it (comments and all)."""
        stream = deref(raw(resolver.root, "/Metadata"))
        return _xmp_title(stream.data) if isinstance(stream, generic.StreamObject) else None

    sealed_title = title(first)
    sealed_objects = {(r.idnum, r.generation) for r in xrefs.explicit_refs_in_revision(0)}
    for revision in range(1, xrefs.total_revisions):
        if xrefs.refs_freed_in_revision(revision):
            return False
        before, after = reader.get_historical_resolver(revision - 1), reader.get_historical_resolver(revision)
        trailer = after.trailer_view
        # the same catalog and document information, no encryption: no document of its own
        root_now, info_now = raw(trailer, "/Root"), raw(trailer, "/Info")
        if not isinstance(root_now, generic.IndirectObject) or key_of(root_now) != key_of(root):
            return False
        metadata_now = raw(after.root, "/Metadata")
        if isinstance(metadata, generic.IndirectObject) and (
            not isinstance(metadata_now, generic.IndirectObject) or key_of(metadata_now) != key_of(metadata)
        ):
            return False  # the same metadata stream, whose title is compared below
        if title(after) != sealed_title:
            return False
        if "/Perms" in after.root:
            return False  # no certification (it would bar the next signatory), no usage rights
        if "/Encrypt" in trailer:
            return False
        if isinstance(info, generic.IndirectObject) and (
            not isinstance(info_now, generic.IndirectObject) or key_of(info_now) != key_of(info)
        ):
            return False
        for ref in xrefs.explicit_refs_in_revision(revision):
            if xrefs.get_introducing_revision(ref) == revision:
                continue  # a new object: what it may be is checked below, as the file stands
            if xrefs.get_introducing_revision(ref) != 0:
                continue  # added by an update before: checked below as well
            old, new = before(ref), after(ref)
            if key_of(ref) == key_of(root):
                allowed = _ROOT_KEYS
            elif key_of(ref) in page_keys:
                allowed = _PAGE_KEYS
            else:
                return False  # something the sealed PDF had, and shows, was changed
            if not same_except(old, new, allowed):
                return False
        # As the file stands after this update.
        form = deref(raw(after.root, "/AcroForm"))
        if form is not None:
            if not isinstance(form, generic.DictionaryObject) or set(form) - _FORM_KEYS:
                return False
            form_fields = list(deref(raw(form, "/Fields", [])))
            if len(form_fields) > revision:  # at most one signature field per update
                return False
            if not all(invisible_signature(f) for f in form_fields):
                return False
        widgets = []
        for page in pages:
            sealed_annotations = list(deref(raw(first(page), "/Annots", [])))
            now = list(deref(raw(after(page), "/Annots", [])))
            if now[: len(sealed_annotations)] != sealed_annotations:
                return False
            for annotation in now[len(sealed_annotations) :]:
                if not invisible_signature(annotation):
                    return False
                if key_of(raw(deref(annotation), "/P", annotation)) != key_of(page):
                    return False  # it says it lies on another page
                widgets.append(key_of(annotation))
            if len(widgets) > revision:
                return False
        fields = [key_of(f) for f in form_fields] if form is not None else []
        if sorted(widgets) != sorted(fields) or len(set(fields)) != len(fields):
            return False  # each signature field on exactly one page, and each such widget a field
        extensions = deref(raw(after.root, "/Extensions"))
        if extensions is not None and not _only_esic(
            extensions, deref(raw(first.root, "/Extensions")), generic
        ):
            return False
        if not _references_sound(reader, revision, sealed_objects, generic):
            return False
    return True


def _only_esic(extensions, sealed, generic) -> bool:
    """The developer extensions are the sealed PDF's, plus the one PAdES declares in PDF 1.7."""
    if not isinstance(extensions, generic.DictionaryObject):
        return False
    for key in extensions:
        value = extensions.raw_get(key)
        if sealed is not None and key in sealed and sealed.raw_get(key) == value:
            continue
        esic = value.get_object() if isinstance(value, generic.IndirectObject) else value
        if key != "/ESIC" or not isinstance(esic, generic.DictionaryObject):
            return False
        if set(esic) - {"/Type", "/BaseVersion", "/ExtensionLevel"} or esic.get("/BaseVersion") != "/1.7":
            return False
        if esic.get("/ExtensionLevel") not in (1, 2):
            return False
    return True


def _references_sound(reader, revision: int, sealed_objects: set, generic) -> bool:
    """Every reference written in this update and its trailer names an object in use, with its
    generation; and every object the update adds can be reached from the catalog or the
    document information. A broken reference makes some readers rebuild the cross-references
    from the file's text, and an object nobody reaches is only there to be found that way."""
    xrefs = reader.xrefs
    resolver = reader.get_historical_resolver(revision)
    in_use = set(sealed_objects)
    for earlier in range(1, revision + 1):
        in_use |= {(r.idnum, r.generation) for r in xrefs.explicit_refs_in_revision(earlier)}
    added = {(r.idnum, r.generation) for r in xrefs.explicit_refs_in_revision(revision)}

    def references(value, found: list, depth: int = 0) -> None:
        if depth > 100:
            raise ValueError("too deep")
        if isinstance(value, generic.IndirectObject):
            found.append((value.idnum, value.generation))
        elif isinstance(value, generic.DictionaryObject):
            for key in value:
                references(value.raw_get(key), found, depth + 1)
        elif isinstance(value, generic.ArrayObject):
            for item in value:
                references(item, found, depth + 1)

    try:
        written = []
        for ref in xrefs.explicit_refs_in_revision(revision):
            references(resolver(ref), written)
        references(resolver.trailer_view, written)
        if not set(written) <= in_use:
            return False
        reached, todo = set(), []
        references(resolver.trailer_view, todo)
        while todo:
            ref = todo.pop()
            if ref in reached or ref not in in_use:
                continue
            reached.add(ref)
            found = []
            references(resolver(generic.Reference(*ref)), found)
            todo.extend(found)
        return added <= reached
    except Exception:
        return False


def trust_roots(certificates: list[bytes]) -> list:
    """Issuer certificates (PEM or DER) for validation, or SigningFailed in Danish."""
    from asn1crypto import pem, x509

    roots = []
    for data in certificates:
        try:
            blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
            for der in blobs:
                certificate = x509.Certificate.load(der)
                certificate.native  # noqa: B018  (parses it all: a broken one fails here)
                roots.append(certificate)
        except Exception as exc:
            raise SigningFailed("filen er ikke et certifikat i PEM- eller DER-format") from exc
    return roots


def signatures(pdf: bytes, trust: list = ()) -> list[SignatureReport]:
    """Every signature in `pdf`, validated by pyHanko: is it intact (the signed bytes are the
    ones signed), is its certificate from a trusted issuer (`trust`: PEM or DER certificates),
    and was anything but signatures changed after it."""

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = [r for r in trust if not isinstance(r, bytes | bytearray)] + trust_roots(
        [r for r in trust if isinstance(r, bytes | bytearray)]
    )
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    reports = []
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(embedded, context)
        level = status.modification_level
        reports.append(
            SignatureReport(
                field=embedded.field_name,
                signer=_cert_name(status.signing_cert),
                when=status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
                intact=bool(status.intact and status.valid),
                trusted=bool(status.trusted),
                covers_rest=bool(
                    status.docmdp_ok is not False
                    and (level is None or level <= ModificationLevel.FORM_FILLING)
                ),
                whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                validity=_validity(status.signing_cert, dt.datetime.now(dt.UTC)),
                usage=_usage(status.signing_cert),
            )
        )
    return reports


def _cert_name(cert) -> str:
    if cert is None:
        return "ukendt"
    subject = cert.subject.native
    name = subject.get("common_name") or cert.subject.human_friendly
    organisation = subject.get("organization_name")
    return f"{name} ({organisation})" if organisation else name


def next_signed_name(path: Path) -> Path:
    """fjordby.pdf -> fjordby.underskrevet-1.pdf; fjordby.underskrevet-1.pdf -> ...-2.pdf."""
    stem = path.name.removesuffix(".pdf")
    base, _, count = stem.rpartition(".underskrevet-")
    if base and count.isdigit():
        return path.with_name(f"{base}.underskrevet-{int(count) + 1}.pdf")
    return path.with_name(f"{stem}.underskrevet-1.pdf")


PASSWORD_VARIABLE = "PARTNERSKAB_CERTIFICATE_PASSWORD"


def sign_command(file: str, certificate: str, agreements: Path, out: str | None, reason: str | None) -> int:
    """`build.py sign FILE.pdf --certificate CERT.p12`: one more signature, in a new file."""
    import getpass
    import os
    import sys

    from .messages import COMMANDS, os_reason
    from .seal import ARCHIVE, check_signed_copy, find_sealed, read_regular
    from .text import printable

    def fail(message: str) -> int:
        print(COMMANDS["sign_failed"].format(message=message), file=sys.stderr)
        return 1

    try:
        content, match = find_sealed(Path(file), agreements)
    except OSError as exc:
        return fail(
            COMMANDS["sign_unreadable"].format(file=printable(exc.filename or file), reason=os_reason(exc))
        )
    try:
        p12 = read_regular(Path(certificate), 1024 * 1024, follow=True)
    except OSError as exc:
        return fail(
            COMMANDS["certificate_unreadable"].format(name=printable(certificate), reason=os_reason(exc))
        )
    if match is None or match.kind != "pdf":
        return fail(COMMANDS["sign_not_sealed"].format(file=printable(file), archive=ARCHIVE))
    reports, acceptable = [], True  # the sealed PDF itself has no signatures
    if match.signed_copy:
        reports, _, acceptable = check_signed_copy(content, match, [])
    if not acceptable or not all(r.intact and r.covers_rest for r in reports):
        return fail(COMMANDS["sign_changed"].format(file=printable(file)))
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        if not sys.stdin.isatty():
            return fail(COMMANDS["sign_password_where"].format(variable=PASSWORD_VARIABLE))
        try:
            password = getpass.getpass(
                COMMANDS["sign_password_prompt"].format(certificate=printable(certificate))
            )
        except EOFError:  # Ctrl-D at the prompt
            print(file=sys.stderr)
            return fail(COMMANDS["no_password"])
    try:
        signer = load_certificate(p12, password.encode())
        target = Path(out) if out else next_signed_name(Path(file))
        if target.resolve() == Path(file).resolve() or target.exists():
            return fail(COMMANDS["sign_exists"].format(target=printable(target)))
        signed = sign_pdf(content, signer, f"Underskrift {len(reports) + 1}", reason)
    except SigningFailed as exc:
        return fail(COMMANDS["sign_certificate"].format(certificate=printable(certificate), detail=exc))
    except Exception as exc:  # pyHanko's own errors: the certificate or the file cannot be used
        return fail(COMMANDS["sign_not_made"].format(kind=type(exc).__name__, detail=printable(str(exc))))
    try:
        _write_new(target, signed)
    except OSError as exc:
        return fail(COMMANDS["sign_not_written"].format(target=printable(target), reason=os_reason(exc)))
    print(COMMANDS["sign_done"].format(signer=printable(signer_name(signer)), target=printable(target)))
    return 0


def _write_new(target: Path, data: bytes) -> None:
    """Write `data` to `target`, which must not exist, whole or not at all: a hard link from a
    finished temporary file fails if the name is taken, even by a file made a moment ago."""
    import os
    import tempfile

    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.link(temporary, target)
    finally:
        os.unlink(temporary)
