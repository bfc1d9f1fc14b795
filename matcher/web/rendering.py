"""Pages as HTML responses: a template, the page's context, and what every page shows."""

from functools import partial
from typing import Any

from fastapi.responses import HTMLResponse
from starlette.requests import Request

from matcher.auth.tables import ROLE_LABELS
from matcher.templating import render_template
from matcher.web import session

# Pages load nothing from elsewhere, run only this site's own scripts (the calculator's
# industry suggestions) and post only to this site.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Pages carry a CSRF token and, once signed in, an enterprise's data.
    "Cache-Control": "no-store",
}


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """``matcher/templates/pages/<template>`` with the signed-in principal and the CSRF token."""
    html = render_template(
        f"pages/{template}",
        {
            "principal": session.principal(request),
            "role_labels": ROLE_LABELS,
            "csrf_field": session.CSRF_FIELD,
            "csrf_token": partial(session.csrf_token, request),
            "current_path": request.url.path,
            **context,
        },
    )
    return HTMLResponse(html, status_code=status, headers=_HEADERS)
