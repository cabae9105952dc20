"""Finding 5: behind the reverse proxy, the login limit is per real client address
(``TRUSTED_PROXIES``) and per account, in storage every web node shares."""
from tests.security.conftest import api_login, sign_in, signed_in

LIMITED = {"RATELIMIT_ENABLED": True, "AUTH_RATE_LIMITED": True}
PROXY = {"REMOTE_ADDR": "10.0.0.1"}  # the reverse proxy


def _via_proxy(app, username, password, client_address):
    return sign_in(app, username, password, environ_base=PROXY, headers={"X-Forwarded-For": client_address})


def test_behind_the_proxy_one_student_s_mistakes_do_not_lock_the_university_out(variant):
    with variant(**LIMITED, AUTH_RATE_LIMIT="3 per 1 hour", TRUSTED_PROXIES=1) as app:
        for _ in range(4):
            _via_proxy(app, "student", "wrong", "203.0.113.7")
        client, response = _via_proxy(app, "student", "demo", "203.0.113.7")
        assert response.status_code == 429 and not signed_in(client)
        client, response = _via_proxy(app, "detu", "demo", "198.51.100.20")  # another person, same proxy
        assert response.status_code == 302 and signed_in(client)


def test_without_trusted_proxies_the_forwarded_address_is_ignored(variant):
    """Nobody escapes the limit by writing X-Forwarded-For themselves."""
    with variant(**LIMITED, AUTH_RATE_LIMIT="3 per 1 hour", TRUSTED_PROXIES=0) as app:
        for n in range(3):
            _via_proxy(app, "student", "wrong", f"203.0.113.{n}")
        _, response = _via_proxy(app, "detu", "demo", "198.51.100.20")
        assert response.status_code == 429


def test_the_proxy_s_scheme_is_trusted_too(variant):
    with variant(TRUSTED_PROXIES=1, HSTS_SECONDS=600) as app:
        response = app.test_client().get("/login/", environ_base=PROXY, headers={"X-Forwarded-Proto": "https"})
        assert response.headers["Strict-Transport-Security"] == "max-age=600"


def test_failed_logins_are_limited_per_account_whatever_the_address(variant):
    with variant(**LIMITED, AUTH_RATE_LIMIT="100 per 1 hour", AUTH_ACCOUNT_RATE_LIMIT="3 per 1 hour") as app:
        for n in range(3):
            _, response = sign_in(app, "detu", "guess", environ_base={"REMOTE_ADDR": f"192.0.2.{n}"})
            assert response.status_code == 200
        client, response = sign_in(app, "detu", "demo", environ_base={"REMOTE_ADDR": "192.0.2.99"})
        assert response.status_code == 429 and not signed_in(client)
        assert "Too many failed sign-in attempts on this account" in response.get_data(as_text=True)
        assert api_login(app, "detu", "demo", provider="db").status_code == 429  # the API shares it
        # Other accounts are not affected; successful logins never count.
        for _ in range(5):
            client, response = sign_in(app, "teacher", "demo")
            assert response.status_code == 302


def test_the_counters_live_in_the_database_by_default(variant):
    from config import Config

    assert Config.RATELIMIT_STORAGE_URI == "database://"
    with variant(**LIMITED, AUTH_RATE_LIMIT="2 per 1 hour") as app:
        sign_in(app, "detu", "wrong")
        with variant(**LIMITED, AUTH_RATE_LIMIT="2 per 1 hour") as other_node:  # another process, same database
            sign_in(other_node, "detu", "wrong")
            assert sign_in(other_node, "detu", "demo")[1].status_code == 429
        assert sign_in(app, "detu", "demo")[1].status_code == 429


def test_the_database_storage_counts_in_fixed_windows(app):
    import time

    from limits import parse
    from limits.strategies import FixedWindowRateLimiter

    from app.security.ratelimit_storage import DatabaseStorage

    with app.app_context():
        storage = DatabaseStorage()
        limiter = FixedWindowRateLimiter(storage)
        two_per_second = parse("2 per 1 second")
        assert limiter.hit(two_per_second, "k") and limiter.hit(two_per_second, "k")
        assert not limiter.hit(two_per_second, "k") and not limiter.test(two_per_second, "k")
        assert storage.get_expiry(two_per_second.key_for("k")) > time.time()
        deadline = time.time() + 5
        while not limiter.test(two_per_second, "k") and time.time() < deadline:
            time.sleep(0.1)
        assert limiter.hit(two_per_second, "k")  # a new window
        storage.clear(two_per_second.key_for("k"))
        assert storage.get(two_per_second.key_for("k")) == 0 and storage.check()
