"""Limits for ZIP-based office files (DOCX, ODT, XLSX): zip bombs are refused unopened.

A DOCX of 31 KB unpacked to enough XML to keep a parser busy for a minute and 1.3 GB of
memory. Everything here reads only the archive's central directory (names and declared
sizes), never a member's content, so checking a bomb costs microseconds and no memory.

The declared sizes can be trusted for what our parsers read: python-docx and odfpy read
members through Python's ``zipfile``, which stops at the declared ``file_size`` and fails
on a CRC mismatch, so a member can never inflate beyond what the directory says.

Three limits, each from a setting with a default (README, docs/operations.md):

* ``OM_MAX_ARCHIVE_MEMBERS`` (default 1 000): a real DOCX has about 10–50 members;
* ``OM_MAX_UNPACKED_BYTES`` (default 100 MiB): the sum of all declared sizes;
* ``OM_MAX_COMPRESSION_RATIO`` (default 100): unpacked ÷ packed, for the whole archive and
  for each member above 1 MiB unpacked (the same 1 : 100 as Apache POI's ``ZipSecureFile``).
  Office XML packs about 5–20 : 1; a bomb packs 1 000 : 1 and more. The per-member check
  catches a small bomb hidden beside a large incompressible image.

This module needs no Django setup (the extraction child process imports it); the settings
are read by ``limits_from_settings()`` only.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

DEFAULT_MAX_MEMBERS = 1_000
DEFAULT_MAX_UNPACKED_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_COMPRESSION_RATIO = 100
#: A member smaller than this (unpacked) is harmless whatever its ratio (tiny XML packs well).
RATIO_FLOOR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = DEFAULT_MAX_MEMBERS
    max_unpacked_bytes: int = DEFAULT_MAX_UNPACKED_BYTES
    max_ratio: float = DEFAULT_MAX_COMPRESSION_RATIO


class ArchiveLimitExceeded(Exception):
    """An archive over one of the limits; ``message`` is German and names the limit."""

    def __init__(self, code: str, message: str, params: dict):
        super().__init__(message % params)
        self.code = code
        self.message = message
        self.params = params


def limits_from_settings() -> ArchiveLimits:
    from django.conf import settings

    return ArchiveLimits(
        max_members=int(getattr(settings, "OM_MAX_ARCHIVE_MEMBERS", DEFAULT_MAX_MEMBERS)),
        max_unpacked_bytes=int(getattr(settings, "OM_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)),
        max_ratio=float(getattr(settings, "OM_MAX_COMPRESSION_RATIO", DEFAULT_MAX_COMPRESSION_RATIO)),
    )


def megabytes(size: int) -> str:
    """German size for the messages: "100 MB" (MiB, as Django's filesizeformat counts)."""
    value = size / (1024 * 1024)
    text = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")
    return f"{text} MB"


def check_archive(fileobj: IO[bytes], limits: ArchiveLimits, packed_size: int | None = None) -> None:
    """Raise ``ArchiveLimitExceeded`` if the ZIP in ``fileobj`` is over a limit.

    Reads the central directory only. A file that is not a ZIP at all is left to the
    parser (it fails there, cheaply).
    """
    fileobj.seek(0)
    try:
        if packed_size is None:
            fileobj.seek(0, 2)
            packed_size = fileobj.tell()
            fileobj.seek(0)
        try:
            with zipfile.ZipFile(fileobj) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
            return
        if len(infos) > limits.max_members:
            raise ArchiveLimitExceeded(
                "archive_too_many_members",
                "Das Archiv enthält zu viele Teile (%(count)s). Erlaubt sind höchstens "
                "%(limit)s (OM_MAX_ARCHIVE_MEMBERS).",
                {"count": len(infos), "limit": limits.max_members},
            )
        unpacked = sum(info.file_size for info in infos)
        if unpacked > limits.max_unpacked_bytes:
            raise ArchiveLimitExceeded(
                "archive_too_large_unpacked",
                "Die Datei ist entpackt zu groß (%(size)s). Erlaubt sind entpackt höchstens "
                "%(limit)s (OM_MAX_UNPACKED_BYTES).",
                {"size": megabytes(unpacked), "limit": megabytes(limits.max_unpacked_bytes)},
            )
        ratios = []
        if unpacked > RATIO_FLOOR_BYTES:
            ratios.append(unpacked / max(packed_size, 1))
        ratios += [info.file_size / max(info.compress_size, 1)
                   for info in infos if info.file_size > RATIO_FLOOR_BYTES]
        worst = max(ratios, default=0)
        if worst > limits.max_ratio:
            raise ArchiveLimitExceeded(
                "archive_compression_ratio",
                "Die Datei ist ungewöhnlich stark gepackt (1 : %(ratio)s). Erlaubt ist "
                "höchstens 1 : %(limit)s (OM_MAX_COMPRESSION_RATIO); so packen sich nur "
                "sogenannte ZIP-Bomben.",
                {"ratio": f"{worst:.0f}", "limit": f"{limits.max_ratio:g}"},
            )
    finally:
        fileobj.seek(0)
