"""Every page route, behind the check of its address, the CSRF check that refuses a POST
without the session's token, and the check that a signed-in account is still enabled; and
the links in messages (unsubscribe, confirm an address), which a signed token authorises."""

from fastapi import APIRouter, Depends

from matcher.web.deps import check_address, check_csrf, current_principal
from matcher.web.routes import (
    account,
    admin,
    calculator,
    claims,
    contacts,
    corrections,
    documents,
    filing,
    materials,
    messages,
    no_application,
    public,
    sandbox,
    staff,
    uptake,
)

pages = APIRouter(dependencies=[Depends(check_csrf), Depends(current_principal)])
for module in (
    public,
    calculator,
    account,
    corrections,
    messages,
    staff,
    sandbox,
    claims,
    filing,
    materials,
    documents,
    contacts,
    admin,
    no_application,
    uptake,
):
    pages.include_router(module.router)

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_address)])
router.include_router(pages)
router.include_router(contacts.links)  # signed links in messages: no session, no CSRF token
