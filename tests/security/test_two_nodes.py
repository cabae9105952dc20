"""Issue 11: two web nodes (two gunicorn instances, shipped settings, production configuration)
on two ports against one PostgreSQL database: a login on one is valid on the other, a logout on
one ends the session on both, the login limit is shared, and only one scheduler runs."""
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.conftest import make_app, migrate_and_seed
from tests.security import pgserver

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def _port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def database():
    with pgserver.own_or_skip() as server:
        migrate_and_seed(make_app(server.url))
        yield server.url


@pytest.fixture(scope="module")
def environment(database, tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_DATABASE", "GUNICORN_"))}
    env.update(CONPERE_CONFIG="production", DATABASE_URL=database, SECRET_KEY="two-nodes-" + "s" * 40,
               PUBLIC_URL="https://conpere.test", SESSION_COOKIE_SECURE="0",  # plain http on loopback
               AUTH_ACCOUNT_RATE_LIMIT="3 per 1 hour", GUNICORN_WORKERS="1", GUNICORN_THREADS="2",
               EXPORT_DIR=str(tmp_path_factory.mktemp("exports")), PYTHONUNBUFFERED="1",
               OUTBOX_CRON="off", DIGEST_CRON="off", REMINDER_CRON="off", EXPORT_CRON="off", SYNC_CRON="off")
    return env


@pytest.fixture(scope="module")
def nodes(environment, tmp_path_factory):
    started = []
    try:
        for _ in range(2):
            port = _port()
            log = open(tmp_path_factory.mktemp("node") / "gunicorn.log", "w")
            process = subprocess.Popen([os.path.join(BIN, "gunicorn"), "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}",
                                        "run:app"], cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
            started.append((process, f"http://127.0.0.1:{port}"))
        for process, url in started:
            _wait(process, url)
        yield [url for _, url in started]
    finally:
        for process, _ in started:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


def _wait(process, url):
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn stopped"
        try:
            requests.get(url + "/login/", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer")


def _login(browser, node, username, password="demo"):
    page = browser.get(node + "/login/", timeout=60).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return browser.post(node + "/login/", data={"username": username, "password": password, "csrf_token": token},
                        allow_redirects=False, timeout=60)


def test_a_login_on_one_node_is_valid_on_the_other_and_a_logout_ends_it_on_both(nodes):
    first, second = nodes
    browser = requests.Session()
    assert _login(browser, first, "detu").status_code == 302
    assert browser.get(second + "/contracts/dashboard/", allow_redirects=False, timeout=60).status_code == 200
    copied = browser.cookies.get("session")
    page = browser.get(second + "/contracts/dashboard/", timeout=60).text
    token = re.search(r'<form method="post" action="/logout/" class="logout-form">\s*'
                      r'<input type="hidden" name="csrf_token" value="([^"]+)">', page).group(1)
    assert browser.post(second + "/logout/", data={"csrf_token": token}, allow_redirects=False, timeout=60).status_code == 302
    replay = requests.Session()
    replay.cookies.set("session", copied)
    assert replay.get(first + "/contracts/dashboard/", allow_redirects=False, timeout=60).status_code == 302


def test_the_login_limit_is_shared_by_the_nodes(nodes):
    """Three failures on an account, on either node: the fourth attempt is refused on both."""
    first, second = nodes
    for node in (first, second, first):
        assert _login(requests.Session(), node, "teacher", "wrong").status_code == 200
    assert _login(requests.Session(), second, "teacher").status_code == 429
    assert _login(requests.Session(), first, "teacher").status_code == 429


def test_the_answers_carry_the_production_headers(nodes):
    answer = requests.get(nodes[0] + "/login/", headers={"X-Forwarded-Proto": "https"}, timeout=60)
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    # TRUSTED_PROXIES=0: neither the application nor gunicorn believes the header: no HSTS.
    assert "Strict-Transport-Security" not in answer.headers


def test_one_scheduler_for_the_two_nodes(environment):
    """A scheduler started on each node: one runs the jobs, the other waits for the lock."""
    env = {**environment, "SCHEDULER_LOCK_TTL": "300"}
    schedulers = [subprocess.Popen([os.path.join(BIN, "flask"), "--app", "run", "scheduler"], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    try:
        said = _read_until(schedulers, lambda lines: sum(any("holds the lock" in l for l in ls) for ls in lines) == 1
                           and sum(any("waiting" in l for l in ls) for ls in lines) == 1)
        holding = [i for i, lines in enumerate(said) if any("holds the lock" in l for l in lines)]
        waiting = [i for i, lines in enumerate(said) if any("waiting" in l for l in lines)]
        assert len(holding) == 1 and len(waiting) == 1 and holding != waiting, said
    finally:
        for process in schedulers:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


def _read_until(processes, done, timeout=240):
    import select

    lines = [[] for _ in processes]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not done(lines):
        ready, _, _ = select.select([p.stdout for p in processes], [], [], 1)
        for stream in ready:
            line = stream.readline()
            if line:
                lines[[p.stdout for p in processes].index(stream)].append(line.rstrip())
    return lines


def test_an_unsafe_production_configuration_stops_gunicorn_with_one_line(environment):
    env = {**environment, "SECRET_KEY": "short"}
    result = subprocess.run([os.path.join(BIN, "gunicorn"), "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{_port()}",
                             "run:app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY is shorter than 32 characters" in result.stderr
