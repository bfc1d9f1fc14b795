"""A material's type from its content alone."""

import pytest

from matcher.materials.sniff import MaterialType, sniff
from tests.materials.conftest import GIF, JPEG, OFD, PDF, PNG, zipped


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, MaterialType.PDF),
        (PNG, MaterialType.PNG),
        (JPEG, MaterialType.JPEG),
        (OFD, MaterialType.OFD),
        (zipped("OFD.xml"), MaterialType.OFD),
    ],
)
def test_accepted_types(content: bytes, kind: MaterialType) -> None:
    assert sniff(content) is kind


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(GIF, id="gif"),
        pytest.param(b"plain text, named .pdf", id="text"),
        pytest.param(b"<html>%PDF-1.4</html>", id="pdf-magic-not-first"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00", id="executable"),
        pytest.param(zipped("word/document.xml"), id="docx-like-zip"),
        pytest.param(zipped("Doc_0/OFD.xml"), id="ofd-xml-not-at-root"),
        pytest.param(b"PK\x03\x04 broken", id="broken-zip"),
        pytest.param(b"", id="empty"),
    ],
)
def test_anything_else_is_none(content: bytes) -> None:
    assert sniff(content) is None
