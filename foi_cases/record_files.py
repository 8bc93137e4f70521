"""Checks on a record's file before it is kept: size, kind, content matching its name, hash."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Protocol

# The first bytes of each kind of file that has a signature; a file named with one of these
# extensions must start with one of them. Text, CSV and e-mail files have none.
ZIP = (b"PK\x03\x04",)
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # .doc, .xls, .ppt, .msg
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": ZIP,
    "xlsx": ZIP,
    "pptx": ZIP,
    "odt": ZIP,
    "ods": ZIP,
    "odp": ZIP,
    "doc": OLE,
    "xls": OLE,
    "ppt": OLE,
    "msg": OLE,
    "rtf": (b"{\\rtf",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
}
KIND_NAMES = {"pdf": "a PDF", "png": "a PNG image", "jpg": "a JPEG image", "jpeg": "a JPEG image"}
EXTRA_TYPES = {
    "msg": "application/vnd.ms-outlook",
    "eml": "message/rfc822",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class Upload(Protocol):
    """An uploaded file as Django gives it (UploadedFile, or File for a file of our own)."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...

    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    size: int
    sha256: str
    content_type: str


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def content_type_for(extension: str) -> str:
    """The content type from the extension the file was checked against, not the browser's."""
    return (
        EXTRA_TYPES.get(extension)
        or mimetypes.types_map.get(f".{extension}")
        or "application/octet-stream"
    )


def size_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def check_file(upload: Upload, *, max_bytes: int, extensions: Iterable[str]) -> CheckedFile:
    """Check one uploaded file and hash it; raise ValueError with a message naming the file."""
    name = PurePath((upload.name or "").replace("\\", "/")).name[:255] or "unnamed file"
    extension = extension_of(name)
    allowed = {e.lower().lstrip(".") for e in extensions}
    size = upload.size or 0
    if extension not in allowed:
        kinds = ", ".join(f".{e}" for e in sorted(allowed))
        raise ValueError(f"{name}: files of this kind cannot be added. Accepted: {kinds}.")
    if size == 0:
        raise ValueError(f"{name} is empty.")
    if size > max_bytes:
        raise ValueError(
            f"{name} is {size_words(size)}; the largest file accepted is {size_words(max_bytes)}."
        )
    upload.seek(0)
    head = upload.read(16)
    signatures = SIGNATURES.get(extension)
    if signatures and not head.startswith(signatures):
        kind = KIND_NAMES.get(extension, f"a .{extension} file")
        raise ValueError(f"{name} is named as {kind} but its content is not; check the file.")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(name, extension, size, digest.hexdigest(), content_type_for(extension))
