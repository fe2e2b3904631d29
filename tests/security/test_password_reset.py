from django.core import mail


def test_reset_answers_the_same_for_known_and_unknown_addresses(client, patient):
    known = client.post("/accounts/password_reset/", {"email": patient.email})
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    page = client.get(known["Location"]).content.decode()
    assert "If an account uses that address" in page


def test_a_reset_link_works_once(client, patient):
    client.post("/accounts/password_reset/", {"email": patient.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link[link.index("/accounts/reset/") :].strip()
    form_url = client.get(path).url  # Django swaps the token for a session-held one
    new = "a fresh and long passphrase"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.check_password(new)
    again = client.get(path, follow=True)
    assert b"already been used or has expired" in again.content
