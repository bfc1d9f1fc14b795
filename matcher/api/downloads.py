"""A printed document as an HTTP answer, for the API and the pages alike."""

from urllib.parse import quote

from fastapi import Response

from matcher.documents.printing import Printed

PDF = "application/pdf"


def pdf_response(printed: Printed) -> Response:
    """A download named in Chinese (``filename*``, RFC 6266) and in ASCII for older clients;
    never kept by a shared cache, nor by the browser's."""
    disposition = (
        f'attachment; filename="{printed.ascii_filename}"; '
        f"filename*=UTF-8''{quote(printed.filename)}"
    )
    headers = {"Content-Disposition": disposition, "Cache-Control": "private, no-store"}
    return Response(content=printed.content, media_type=PDF, headers=headers)
