"""Material files over HTTP, for the API and the pages alike: the store the app is configured
with, the bounded read of an upload, the addresses that take uploads (allowed a larger body
than other requests) and the answer that serves a file."""

import re
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, Response
from starlette.datastructures import UploadFile

from matcher.config import Settings
from matcher.materials.service import open_material
from matcher.materials.sniff import EXTENSIONS, MaterialType
from matcher.materials.store import LocalDirectoryStore, MaterialStore
from matcher.materials.tables import ClaimMaterial

UPLOAD_PATHS = re.compile(r"(/api/v1|/me|/staff)/claims/[0-9]{1,10}/materials")
UPLOAD_OVERHEAD = 64 * 1024
"""What a multipart upload carries beside the file: its headers and the other fields."""


def upload_limit(config: Settings) -> int:
    """The largest request body an upload address takes."""
    return config.material_max_bytes + UPLOAD_OVERHEAD


def material_store(request: Request) -> MaterialStore:
    settings: Settings = request.app.state.settings
    return LocalDirectoryStore(settings.materials_dir)


StoreDep = Annotated[MaterialStore, Depends(material_store)]


def read_upload(request: Request, upload: UploadFile) -> tuple[str, bytes]:
    """The name and content of ``upload``, read no further than one byte past the limit (the
    service refuses what is over it)."""
    settings: Settings = request.app.state.settings
    return upload.filename or "", upload.file.read(settings.material_max_bytes + 1)


def material_download(store: MaterialStore, material: ClaimMaterial) -> Response:
    """The file as an attachment of the type its content was found to be; browsers neither
    guess another type nor keep a copy."""
    with open_material(store, material) as stored:
        content = stored.read()
    extension = EXTENSIONS[MaterialType(material.content_type)]
    disposition = (
        f'attachment; filename="material-{material.id}.{extension}"; '
        f"filename*=UTF-8''{quote(material.filename, safe='')}"
    )
    headers = {
        "Content-Disposition": disposition,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    return Response(content=content, media_type=material.content_type, headers=headers)
