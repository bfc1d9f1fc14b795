"""The 政策沙盘 page: staff only; a draft in, its figures out, or the problems publishing it
would meet."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from markupsafe import escape

from matcher.config import BUNDLED_CATALOG

SignIn = Callable[[str], None]
CsrfOf = Callable[[str], str]
STARTUP = BUNDLED_CATALOG / "jiyuan-2020" / "startup-subsidy.yaml"


def _draft(old: str, new: str) -> str:
    text = STARTUP.read_text(encoding="utf-8")
    assert text.count(old) == 1
    return text.replace(old, new)


def test_only_staff_reach_the_sandbox(client: TestClient, sign_in: SignIn) -> None:
    response = client.get("/staff/sandbox", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/login?next=/staff/sandbox",
    )
    sign_in("yinhui")
    response = client.get("/staff/sandbox")
    assert response.status_code == 403
    assert "工作台仅供兑现专窗工作人员使用。" in response.text


def test_a_policy_is_loaded_to_start_from(client: TestClient, sign_in: SignIn) -> None:
    sign_in("wangfang")
    page = client.get("/staff/sandbox")
    assert page.status_code == 200
    assert '<option value="startup-subsidy">一次性开业补贴（startup-subsidy）</option>' in page.text
    assert 'href="/staff/sandbox" aria-current="page">政策沙盘</a>' in page.text
    loaded = client.get("/staff/sandbox?policy=startup-subsidy")
    assert loaded.status_code == 200
    assert str(escape(STARTUP.read_text(encoding="utf-8"))) in loaded.text
    assert '<option value="startup-subsidy" selected>' in loaded.text
    missing = client.get("/staff/sandbox?policy=no-such-policy")
    assert missing.status_code == 404
    assert "政策目录中没有这项政策" in missing.text


def test_a_draft_is_judged_over_the_population(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in("wangfang")
    draft = _draft('amount: "5000"', 'amount: "10000"\n  budget: 15000')
    response = client.post(
        "/staff/sandbox",
        data={"csrf_token": csrf("/staff/sandbox"), "draft": draft, "as_of": "2026-01-01"},
    )
    assert response.status_code == 200
    page = response.text
    assert "试算结果：一次性开业补贴" in page
    assert "评估日期 2026-01-01 · 企业 2 家" in page
    assert "资金总额 15,000.00 元，符合条件金额 10,000.00 元，占" in page
    assert "66.7%" in page
    assert "受益企业（共 2 家）" in page, "the other enterprise is undetermined, its amount doubled"
    assert 'href="/staff/enterprises/91419001MA4000000C">济源市银辉新材料有限公司</a>' in page
    assert "符合条件 5,000.00 元" in page and "符合条件 10,000.00 元" in page
    assert "待确认 5,000.00 元" in page and "待确认 10,000.00 元" in page
    assert "+5,000.00 元" in page
    assert "白银深加工" in page
    assert "试算只读：未写入资格快照，未发送通知。" in page


def test_a_refused_draft_shows_every_problem_with_its_line(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in("wangfang")
    draft = _draft('amount: "5000"', "amount: enterprise.name")
    response = client.post(
        "/staff/sandbox",
        data={"csrf_token": csrf("/staff/sandbox"), "draft": draft, "as_of": ""},
    )
    assert response.status_code == 422
    page = response.text
    assert "草案未通过检查：1 处错误" in page
    assert "<code>catalog/jiyuan-2020/startup-subsidy.yaml:30</code> [startup-subsidy]" in page
    assert "此处需要数值，表达式的结果是文本（表达式：enterprise.name）" in page
    assert str(escape("amount: enterprise.name")) in page, "the draft is kept"
    assert "试算结果" not in page


def test_a_bad_date_is_shown_beside_the_field(
    client: TestClient, sign_in: SignIn, csrf: CsrfOf
) -> None:
    sign_in("wangfang")
    response = client.post(
        "/staff/sandbox",
        data={"csrf_token": csrf("/staff/sandbox"), "draft": "id: x", "as_of": "2026-02-30"},
    )
    assert response.status_code == 422
    assert 'id="as-of-error"' in response.text
    assert 'value="2026-02-30"' in response.text
