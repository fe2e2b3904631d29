def test_landing_page_answers(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Prepare for your hair therapy consultation" in response.content
