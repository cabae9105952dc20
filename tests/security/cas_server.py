"""A real CAS 3.0 server on loopback for the tests: django-cas-server, run as its own process.

Its users live in a JSON file (uid → password and attributes) through a small authentication
class, the way a university's CAS reads its directory. ``CasServer(folder, users).start()``; a
service pattern allows every service on 127.0.0.1 and conpere.test, releases all attributes and
sends single-logout requests.
"""
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

INSTALL = "pip install -r requirements-dev.txt (django-cas-server)"

SETTINGS = """
import os
HERE = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "cas-test-server-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                  "django.contrib.messages", "cas_server"]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware",
              "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
              "django.contrib.auth.middleware.AuthenticationMiddleware",
              "django.contrib.messages.middleware.MessageMiddleware"]
ROOT_URLCONF = "cas_test_urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                 "django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(HERE, "cas.db")}}
USE_TZ = True
STATIC_URL = "/static/"
CAS_AUTH_CLASS = "cas_test_auth.JsonAuthUser"
CAS_NEW_VERSION_HTML_WARNING = False
CAS_NEW_VERSION_EMAIL_WARNING = False
CAS_SHOW_POWERED = False
CAS_SLO_TIMEOUT = 5
CAS_TICKET_VALIDITY = 60
LOGGING = {"version": 1, "disable_existing_loggers": False}
"""

URLS = """
from django.urls import include, path
urlpatterns = [path("cas/", include(("cas_server.urls", "cas_server"), namespace="cas_server"))]
"""

AUTH = """
import json, os
from cas_server.auth import AuthUser

def _users():
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "users.json")) as f:
        return json.load(f)

class JsonAuthUser(AuthUser):
    def test_password(self, password):
        user = _users().get(self.username)
        return user is not None and user["password"] == password

    def attributs(self):
        return dict(_users().get(self.username, {}).get("attributes", {}))
"""

SETUP = """
import django
django.setup()
from cas_server.models import ReplaceAttributName, ServicePattern
pattern = ServicePattern.objects.create(pos=1, name="conpere", pattern=r"^https?://(127\\.0\\.0\\.1(:\\d+)?|conpere\\.test)/.*",
                                        single_log_out=True)
ReplaceAttributName.objects.create(name="*", service_pattern=pattern)
"""


def available():
    try:
        import cas_server  # noqa: F401
        import django  # noqa: F401
    except ImportError:
        return False
    return True


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CasServer:
    def __init__(self, folder, users):
        self.folder = folder
        self.port = _free_port()
        self.process = None
        for name, text in (("cas_test_settings.py", SETTINGS), ("cas_test_urls.py", URLS),
                           ("cas_test_auth.py", AUTH)):
            with open(os.path.join(folder, name), "w") as f:
                f.write(text)
        self.set_users(users)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/cas/"

    def set_users(self, users):
        with open(os.path.join(self.folder, "users.json"), "w") as f:
            json.dump(users, f)

    def _env(self):
        return {**os.environ, "PYTHONPATH": self.folder, "DJANGO_SETTINGS_MODULE": "cas_test_settings"}

    def start(self):
        run = dict(cwd=self.folder, env=self._env(), check=True, capture_output=True, timeout=300)
        subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput"], **run)
        subprocess.run([sys.executable, "-c", SETUP], **run)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=self.folder, env=self._env(), stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.folder, "server.log"), "w"))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(self.url + "login", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the CAS test server did not start: see " + os.path.join(self.folder, "server.log"))

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def age_tickets(self, seconds):
        """Make every service ticket ``seconds`` older (as if the user had waited)."""
        with sqlite3.connect(os.path.join(self.folder, "cas.db")) as conn:
            conn.execute("UPDATE cas_server_serviceticket SET creation = datetime(creation, ?)", (f"-{seconds} seconds",))


class _Form(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attrs.get("action") or ""
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("checkbox", "submit"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def sign_in_at_cas(browser, login_url, username, password):
    """What a person does at the CAS login page; returns where CAS sends them back (with the ticket).

    ``browser`` is a requests.Session: it keeps the CAS session (for a later single logout).
    """
    page = browser.get(login_url, timeout=30)
    form = _Form()
    form.feed(page.text)
    fields = {**form.fields, "username": username, "password": password}
    answer = browser.post(urljoin(page.url, form.action or page.url), data=fields, allow_redirects=False, timeout=30)
    location = answer.headers.get("Location", "")
    if answer.status_code != 302 or "ticket=" not in location:
        raise AssertionError(f"CAS refused the sign-in of {username}: {answer.status_code} {re.sub(r'<[^>]+>', ' ', answer.text)[:300]}")
    return location
