"""The API's error contract: 401 for every token problem, 400 for bad parameters, never a 500."""
import base64
import json
from datetime import timedelta

import pytest

CONTRACTS = "/api/v1/contracts/"


def _token_401(response):
    assert response.status_code == 401, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"message"} and body["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def _tampered(token):
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "1"  # the admin's id, as an attacker would try
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def test_every_token_problem_answers_401_with_a_message(app, client, bearer):
    token = bearer("teacher")["Authorization"].split()[1]
    with app.app_context():
        from flask_jwt_extended import create_access_token

        expired = create_access_token(identity="5", expires_delta=timedelta(seconds=-60))
    for value in ("garbage", "a.b.c", _tampered(token), expired, "sst_not-a-key", ""):
        _token_401(client.get(CONTRACTS, headers={"Authorization": f"Bearer {value}"}))
        _token_401(client.get(f"{CONTRACTS}1", headers={"Authorization": f"Bearer {value}"}))
    _token_401(client.get(CONTRACTS))  # no credentials at all
    _token_401(client.get(f"{CONTRACTS}1/pdf"))


@pytest.mark.parametrize("path", [f"{CONTRACTS}9223372036854775808", f"{CONTRACTS}99999999999999999999999/pdf"])
def test_an_id_no_integer_column_holds_is_refused_not_a_500(client, bearer, path):
    # 400 from the API, or 404 when the route's own converter already bounds its integers.
    response = client.get(path, headers=bearer("admin"))
    assert response.status_code in (400, 404), response.get_data(as_text=True)
    assert response.get_json()["message"]


@pytest.mark.parametrize("path", [
    f"{CONTRACTS}?q=(page:9223372036854775808)",
    f"{CONTRACTS}?q=(page_size:1000)",
    f"{CONTRACTS}?q=(after_id:9223372036854775808)",
    f"{CONTRACTS}?q=(after_id:2147483648)",  # ids are INTEGER columns
    f"{CONTRACTS}?q=(page:21474836,page_size:100)",  # an offset past what LIMIT/OFFSET binds hold
    f"{CONTRACTS}?q=(filters:!((col:year,opr:eq,value:99999999999999999999)))",
    f"{CONTRACTS}?q=(filters:!((col:year,opr:in,value:2025)))",
    f"{CONTRACTS}?q=(filters:!((col:status,opr:eq,value:lost)))",
    f"{CONTRACTS}?q=(filters:!((col:comment,opr:ct,value:x)))",
    f"{CONTRACTS}?q=(filters:!((col:updated_at,opr:gt,value:yesterday)))",
    f"{CONTRACTS}?q=(filters:!((col:student_number,opr:eq,value:'1%00')))",
    f"{CONTRACTS}?q=(order_column:comment)",
    f"{CONTRACTS}?q=(((",
])
def test_bad_parameters_answer_400_with_a_reason(client, bearer, path):
    response = client.get(path, headers=bearer("admin"))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["message"]


def test_the_largest_values_accepted_work_on_every_database(client, bearer):
    headers = bearer("admin")
    for q in ("(after_id:2147483647)", "(page:21474835,page_size:100)"):
        response = client.get(CONTRACTS, query_string={"q": q}, headers=headers)
        assert response.status_code == 200 and response.json["result"] == [], response.get_data(as_text=True)
    assert client.get(f"{CONTRACTS}2147483647", headers=headers).status_code == 404


def test_a_method_the_address_refuses_answers_405_with_allow(client, bearer):
    for method, path in (("POST", CONTRACTS), ("DELETE", f"{CONTRACTS}1"), ("PUT", f"{CONTRACTS}1/pdf")):
        response = client.open(path, method=method, headers=bearer("admin"))
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]
        assert response.get_json()["message"]


def test_the_generated_info_route_is_gone(client, bearer):
    # It listed every student, account and registration whatever the policy (issue 10).
    response = client.get(f"{CONTRACTS}_info", headers=bearer("teacher"))
    assert response.status_code == 404


def test_students_have_no_api(client, bearer):
    response = client.get(CONTRACTS, headers=bearer("student"))
    assert response.status_code == 403
    assert response.get_json() == {"message": "Forbidden"}
