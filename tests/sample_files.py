"""Real files of every allowed kind, and hostile ones, made in memory for the upload tests."""

import io
import zipfile


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Protokoll der Sitzung")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Teilnehmende"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text="Protokoll der Sitzung"))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows executable (DOS stub header)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program"


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "kein Office-Dokument")
        archive.writestr("word/fake.xml", "<x/>")  # a word/ folder alone is not a DOCX
    return buffer.getvalue()


VALID = {
    "protokoll.pdf": pdf_bytes,
    "protokoll.docx": docx_bytes,
    "teilnehmende.xlsx": xlsx_bytes,
    "protokoll.odt": odt_bytes,
    "foto.png": lambda: image_bytes("PNG"),
    "foto.jpg": lambda: image_bytes("JPEG"),
    "notizen.md": lambda: "# Protokoll\n\nBeschluss: angenommen. Grüße\n".encode(),
}

HOSTILE = {
    "programm.pdf": exe_bytes,  # an .exe renamed .pdf
    "archiv.docx": plain_zip_bytes,  # a ZIP renamed .docx
    "protokoll.docx": pdf_bytes,  # a PDF renamed .docx
    "tabelle.xlsx": docx_bytes,  # a DOCX renamed .xlsx
    "bild.png": lambda: image_bytes("JPEG"),  # JPEG named .png
    "leer.pdf": lambda: b"",
    "binär.txt": lambda: b"Text\x00mit NUL",
    "seite.html": lambda: b"<html><script>alert(1)</script></html>",
    "ohne-endung": pdf_bytes,
}


# --- zip bombs: office files whose XML unpacks far beyond its packed size -------

#: kind → (the main XML part, the tag after which the filler goes, one filler element)
BOMB_PARTS = {"docx": ("word/document.xml", b"<w:body>", b"<w:p/>"),
              "odt": ("content.xml", b"<office:text>", b"<text:p/>"),
              "xlsx": ("xl/worksheets/sheet1.xml", b"<sheetData>", b"<row/>")}
_BOMB_MAKERS = {"docx": docx_bytes, "odt": odt_bytes, "xlsx": xlsx_bytes}


def office_bomb(kind: str, unpacked_bytes: int, filler: bytes | None = None) -> bytes:
    """A real DOCX/ODT/XLSX whose main XML part holds ``unpacked_bytes`` of empty paragraphs
    (rows), still well-formed: a parser without limits builds a tree of millions of elements.

    Streamed into the archive chunk by chunk, so making a 150 MB bomb needs no 150 MB string.
    Every other part of the real file is kept, so the content check still recognises the kind.
    """
    original = zipfile.ZipFile(io.BytesIO(_BOMB_MAKERS[kind]()))
    target, anchor, element = BOMB_PARTS[kind]
    chunk = filler if filler is not None else element * 4096
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == target:
                head, found, tail = data.partition(anchor)
                assert found, f"{anchor!r} not in {target}"
                member_info = zipfile.ZipInfo(target)
                member_info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(member_info, "w", force_zip64=True) as member:
                    member.write(head + found)
                    written = 0
                    while written < unpacked_bytes:
                        member.write(chunk)
                        written += len(chunk)
                    member.write(tail)
            else:
                compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
                archive.writestr(info.filename, data, compress_type=compress)
    return buffer.getvalue()
