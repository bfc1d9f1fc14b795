"""A material's type, read from its content: the name and the declared content type the
uploader sent are not believed.

PDF, JPEG and PNG are known by their magic numbers (``puremagic``); OFD (GB/T 33190, the
national format of electronic documents) is a ZIP package with ``OFD.xml`` at its root, so a
ZIP is taken as OFD only when the standard library opens it and finds that entry (reading
its directory alone, nothing is decompressed).
"""

import io
import zipfile
from enum import StrEnum

import puremagic


class MaterialType(StrEnum):
    """The accepted types, as the content type a file is served with."""

    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
    OFD = "application/ofd"


EXTENSIONS = {
    MaterialType.PDF: "pdf",
    MaterialType.JPEG: "jpg",
    MaterialType.PNG: "png",
    MaterialType.OFD: "ofd",
}
"""The extension a file of each type is served under when its own name cannot be sent."""
ACCEPTED_LABEL = "PDF、OFD、JPG、PNG"
_BY_MAGIC = {kind.value: kind for kind in (MaterialType.PDF, MaterialType.JPEG, MaterialType.PNG)}


def sniff(content: bytes) -> MaterialType | None:
    """The type of ``content``; ``None`` when it is none of :class:`MaterialType`."""
    if not content:
        return None
    try:
        best = puremagic.magic_string(content)[0]
    except puremagic.PureError:
        return None
    if best.mime_type in _BY_MAGIC:
        return _BY_MAGIC[best.mime_type]
    return MaterialType.OFD if _is_ofd(content) else None


def _is_ofd(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return "OFD.xml" in package.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
