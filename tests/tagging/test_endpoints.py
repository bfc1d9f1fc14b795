from tests.conftest import Api


def test_suggest_endpoint(api: Api) -> None:
    response = api.client.post(
        "/api/v1/tagging/suggest", json={"text": "软件开发；信息系统集成服务"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["section"][0]["label"] == "I"
    assert body["size_category"][0]["label"] == "software_it_services"
    assert len(body["section"]) == 3


def test_suggest_endpoint_bad_input(api: Api) -> None:
    empty = api.client.post("/api/v1/tagging/suggest", json={"text": ""}).json()
    assert empty["section"] == [] and empty["note"] == "经营范围为空，无法推断行业"
    refused = api.client.post("/api/v1/tagging/suggest", json={"text": "x", "top_k": 0})
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "top_k"
