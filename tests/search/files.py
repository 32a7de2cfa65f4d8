"""Real PDF, DOCX and ODT files for the search tests, written on the fly."""

from __future__ import annotations

import io


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with real text (Helvetica, WinAnsi), built object by object."""
    content = b"BT /F1 12 Tf 72 760 Td 14 TL " + b" ".join(
        _pdf_string(line) + b" '" for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
    ]
    return assemble_pdf(objects, root=1)


def assemble_pdf(objects: list[bytes], root: int) -> bytes:
    """A PDF file from its numbered objects (1-based) and the catalog's number: header,
    objects, cross-reference table, trailer."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n"
              "%%EOF\n".encode())
    return out.getvalue()


def make_encrypted_pdf(lines: list[str], password: str = "geheim") -> bytes:
    """The PDF of ``make_pdf``, encrypted with a user password (pypdf writes it)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(lines))))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(title: str, paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_odt(title: str, paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=title))
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


BROKEN_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\n%%kaputt, abgeschnitten"
BROKEN_DOCX = b"PK\x03\x04 dies ist kein vollstaendiges ZIP-Archiv"


def make_large_docx(paragraphs: int, seed: int = 12) -> bytes:
    """A real DOCX with many varied paragraphs, written as XML directly (python-docx's
    ``add_paragraph`` is quadratic). 2 000 different paragraphs repeat, more than deflate's
    32 KB window can see, so it packs like real text (about 1 : 4): it passes the archive
    limits, and only the CPU and memory limits of the extraction stop it.
    """
    import random
    import zipfile

    rng = random.Random(seed)
    words = ["Sitzung", "Beschluss", "Gefährdung", "Arbeitsschutz", "Lärm", "Plenum",
             "Fachgruppe", "Protokoll", "Maßnahme", "Termin", "Unterweisung", "Prüfung"]
    variants = ["<w:p><w:r><w:t>" + " ".join(f"{rng.choice(words)}{rng.randint(0, 99999)}"
                                              for _ in range(10)) + "</w:t></w:r></w:p>"
                for _ in range(2000)]
    body = "".join(variants[i % len(variants)] for i in range(paragraphs))
    template = zipfile.ZipFile(io.BytesIO(make_docx("Vorlage", ["x"])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info in template.infolist():
            data = template.read(info.filename)
            if info.filename == "word/document.xml":
                text = data.decode()
                start = text.index("<w:body>") + len("<w:body>")
                text = text[:start] + body + text[start:]
                data = text.encode()
            archive.writestr(info.filename, data)
    return out.getvalue()
