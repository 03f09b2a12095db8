def test_home_anonymous_renders(client):
    response = client.get("/")
    assert response.status_code == 200


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
