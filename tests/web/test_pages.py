from fastapi.testclient import TestClient

from matcher.policies.catalog import Catalog


def test_home_page_links_to_every_section(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="zh-CN">' in html
    for link in ('href="/policies"', 'href="/calculator"', 'href="/login"'):
        assert link in html
    assert "set-cookie" not in response.headers, "browsing needs no session"


def test_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    response = client.get("/policies")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "http://" not in response.text and "https://" not in response.text
    css = client.get("/static/app.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "@media" in css.text


def test_policy_library_lists_every_policy(client: TestClient, catalog: Catalog) -> None:
    html = client.get("/policies").text
    for compiled in catalog:
        policy = compiled.policy
        assert f'href="/policies/{policy.id}"' in html
        assert policy.title in html
        assert policy.lead_unit in html
    assert "济管办〔2020〕15号 第26条" in html
    assert "资金补贴" in html


def test_policy_page_shows_criteria_clauses_and_how_to_apply(
    client: TestClient, catalog: Catalog
) -> None:
    compiled = catalog.get("startup-subsidy")
    assert compiled is not None
    policy = compiled.policy
    response = client.get("/policies/startup-subsidy")
    assert response.status_code == 200
    html = response.text
    assert policy.source.clause in html
    for criterion in policy.criteria:
        assert criterion.label in html
        assert criterion.clause in html
    for material in policy.apply.materials:
        assert material in html
    for assumption in policy.assumptions:
        assert assumption in html
    assert compiled.version[:12] in html
    assert "2020-06-22 起，未规定截止日期" in html
    assert "每个「申领创业者（身份证号哈希）」限 1 次" in html
    assert "「登记注册日期」" in html, "rules name facts by their labels"


def test_policy_page_shows_amount_rule_and_processing_time(client: TestClient) -> None:
    html = client.get("/policies/tech-transfer-subsidy").text
    assert "min(0.20 * 「技术成果交易额（元）」, 300000)" in html
    assert "300,000.00 元" in html
    html = client.get("/policies/export-rebate-fast-processing").text
    assert "办理时限" in html
    assert "「出口退税企业分类」" in html


def test_unknown_policy_is_a_chinese_404_page(client: TestClient) -> None:
    response = client.get("/policies/no-such-policy")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "未找到该政策" in response.text
