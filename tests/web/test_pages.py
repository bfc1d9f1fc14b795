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
    assert policy.apply.beneficiaries in html
    for material in policy.apply.materials:
        assert material.item in html
    for assumption in policy.assumptions:
        assert assumption in html
    assert "2020-06-22 起" in html
    assert compiled.version[:12] not in html, "people read no version hashes"
    assert "years_between" not in html and "<code" not in html, "people read no rule code"


def test_policy_page_shows_limits_and_processing_time_in_words(client: TestClient) -> None:
    html = client.get("/policies/tech-transfer-subsidy").text
    assert "300,000.00 元" in html
    assert "min(" not in html
    html = client.get("/policies/export-rebate-fast-processing").text
    assert "办理时限：视情形而定" in html


def test_unknown_policy_is_a_chinese_404_page(client: TestClient) -> None:
    response = client.get("/policies/no-such-policy")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "未找到该政策" in response.text
