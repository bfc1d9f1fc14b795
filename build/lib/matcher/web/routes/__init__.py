"""Every page route, behind the check of its address, the CSRF check that refuses a POST
without the session's token, and the check that a signed-in account is still enabled."""

from fastapi import APIRouter, Depends

from matcher.web.deps import check_address, check_csrf, current_principal
from matcher.web.routes import account, calculator, claims, filing, public, staff

router = APIRouter(
    include_in_schema=False,
    dependencies=[Depends(check_address), Depends(check_csrf), Depends(current_principal)],
)
for module in (public, calculator, account, staff, claims, filing):
    router.include_router(module.router)
