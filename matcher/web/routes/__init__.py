"""Every page route, behind the CSRF check that refuses a POST without the session's token."""

from fastapi import APIRouter, Depends

from matcher.web.deps import check_csrf
from matcher.web.routes import account, calculator, claims, filing, public, staff

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
for module in (public, calculator, account, staff, claims, filing):
    router.include_router(module.router)
