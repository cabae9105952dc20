"""When the directory is down, slow, or one of several: a clear answer, failover, the break-glass admin, TLS."""
import socket
import threading

import pytest

from app import roles as R
from tests.security import slapd as S
from tests.security.conftest import GROUPS, PEOPLE, api_login, ldap_settings, sign_in, signed_in

pytestmark = pytest.mark.ldap

DOWN = "The university directory cannot be reached right now"


@pytest.fixture(scope="module")
def app_overrides(slapd):
    return ldap_settings(slapd.url)


@pytest.fixture
def hanging_server():
    """A TCP server that accepts connections and never answers: a directory that is too slow."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"ldap://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def closed_port_url():
    return f"ldap://127.0.0.1:{S.free_port()}"  # nothing listens there


def test_directory_stopped_mid_test_gives_a_clear_message_not_a_500(variant, spare_slapd):
    with variant(**ldap_settings(spare_slapd.url)) as app:
        client, response = sign_in(app, "detu1")
        assert response.status_code == 302 and signed_in(client)
        spare_slapd.stop()
        client, response = sign_in(app, "detu1")
        assert response.status_code == 503
        page = response.get_data(as_text=True)
        assert DOWN in page and 'value="detu1"' in page
        assert not signed_in(client)
        api = api_login(app, "detu1")
        assert api.status_code == 503 and "directory" in api.json["message"]


def test_a_directory_that_does_not_answer_times_out_with_the_same_message(variant, hanging_server):
    with variant(**ldap_settings(hanging_server, LDAP_TIMEOUT=1)) as app:
        client, response = sign_in(app, "detu1")
        assert response.status_code == 503
        assert DOWN in response.get_data(as_text=True)


@pytest.mark.parametrize("first", ["closed", "hanging"])
def test_failover_to_the_second_url(variant, slapd, hanging_server, first):
    dead = closed_port_url() if first == "closed" else hanging_server
    with variant(**ldap_settings(dead, slapd.url, LDAP_TIMEOUT=1)) as app:
        client, response = sign_in(app, "detu1")
        assert response.status_code == 302 and signed_in(client)


def test_a_wrong_service_password_is_reported_as_the_directory_being_unavailable(variant, slapd):
    with variant(**ldap_settings(slapd.url, LDAP_BIND_PASSWORD="wrong")) as app:
        _, response = sign_in(app, "detu1")
        assert response.status_code == 503


def _local_admin(app, username, password):
    with app.app_context():
        sm = app.appbuilder.sm
        sm.add_user(username=username, first_name="Local", last_name="Rescue", email=f"{username}@univ.test",
                    role=[sm.find_role(R.ADMIN)], password=password)


def test_break_glass_admin_signs_in_while_the_directory_is_down(variant, spare_slapd):
    settings = ldap_settings(spare_slapd.url, LDAP_BREAK_GLASS_USERNAME="rescue")
    with variant(**settings) as app:
        _local_admin(app, "rescue", "a-long-local-password")
        spare_slapd.stop()
        client, response = sign_in(app, "rescue", "wrong")
        assert response.status_code == 200 and not signed_in(client)
        client, response = sign_in(app, "RESCUE", "a-long-local-password")
        assert response.status_code == 302 and signed_in(client)
        assert client.get("/users/list/").status_code == 200
        assert api_login(app, "rescue", "a-long-local-password").status_code == 200
        # Only that account: other local passwords stay closed, and the directory is still needed.
        _, response = sign_in(app, "admin", "demo")
        assert response.status_code == 503


def test_break_glass_is_off_by_default(app):
    _local_admin(app, "rescue", "a-long-local-password")
    client, response = sign_in(app, "rescue", "a-long-local-password")
    assert response.status_code == 200 and not signed_in(client)


@pytest.fixture(scope="module")
def tls_slapd(tmp_path_factory):
    if not S.slapd_available():
        pytest.skip(f"slapd is not installed: {S.INSTALL}")
    import shutil

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: apt-get install openssl")
    workdir = str(tmp_path_factory.mktemp("slapd-tls"))
    files = S.make_tls_files(workdir)
    other_ca = S.make_tls_files(workdir, name="other")["ca"]
    server = S.Slapd(workdir, tls=files).start()
    server.load(PEOPLE, GROUPS)
    yield server, files["ca"], other_ca
    server.stop()


def test_start_tls_with_the_ca_file(variant, tls_slapd):
    server, ca, _ = tls_slapd
    with variant(**ldap_settings(server.url, LDAP_START_TLS=True, LDAP_CA_FILE=ca)) as app:
        client, response = sign_in(app, "detu1")
        assert response.status_code == 302 and signed_in(client)


def test_ldaps_with_the_ca_file(variant, tls_slapd):
    server, ca, _ = tls_slapd
    with variant(**ldap_settings(server.ldaps_url, LDAP_CA_FILE=ca)) as app:
        client, response = sign_in(app, "detu1")
        assert response.status_code == 302 and signed_in(client)


@pytest.mark.parametrize("scheme", ["starttls", "ldaps"])
def test_a_certificate_from_another_authority_is_refused_not_ignored(variant, tls_slapd, scheme):
    server, _, other_ca = tls_slapd
    url = server.url if scheme == "starttls" else server.ldaps_url
    with variant(**ldap_settings(url, LDAP_START_TLS=scheme == "starttls", LDAP_CA_FILE=other_ca)) as app:
        _, response = sign_in(app, "detu1")
        assert response.status_code == 503
