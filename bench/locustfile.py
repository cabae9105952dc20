"""The users of the load test (run by ``bench/loadtest.py``): staff and students on their usual pages.

Each simulated user signs in once through the login form (CSRF token included), then visits pages
with 0.5–2 s of thinking between them. The mix (weights) follows a campaign day: students on their
contract, DETUs on their lists and contracts, some counsellors, registrars and API clients.
Names are in ``LOAD_STUDENTS`` (comma-separated usernames); the password is the demo's.
"""
import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "demo")
STUDENTS = [name for name in os.environ.get("LOAD_STUDENTS", "").split(",") if name]
NAMES = ["martin", "bernard", "dubois", "petit", "moreau", "garcia", "nguyen", "lefèvre"]
CONTRACT_LINK = re.compile(r'href="/contracts/show/(\d+)"')


class Signed(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    username = None

    def on_start(self):
        self.contracts = []
        page = self.page("/login/", "login form")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        with self.client.post("/login/", name="login", allow_redirects=False, catch_response=True,
                              data={"username": self.login_name(), "password": PASSWORD,
                                    "csrf_token": token.group(1) if token else ""}) as answer:
            if answer.status_code != 302 or "/login" in answer.headers.get("Location", ""):
                answer.failure(f"login refused ({answer.status_code})")

    def login_name(self):
        return self.username

    def page(self, path, name):
        """A page that must answer 200 itself: a redirect (to the login page) is an error too."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")
            return answer.text

    def staff_list(self, query="", name="staff list"):
        self.contracts = CONTRACT_LINK.findall(self.page(f"/contracts/list/{query}", name)) or self.contracts

    def show_one(self):
        if self.contracts:
            self.page(f"/contracts/show/{random.choice(self.contracts)}", "contract page")


class Student(Signed):
    weight = 10

    def login_name(self):
        return random.choice(STUDENTS)

    @task(4)
    def my_contract(self):
        self.page("/my/contract/", "student: my contract")

    @task(1)
    def my_contracts(self):
        self.page("/my/contracts/", "student: my contracts")

    @task(1)
    def contacts(self):
        self.page("/my/contacts/", "student: contacts")


class Detu(Signed):
    weight = 5
    username = "detu"

    @task(4)
    def first_page(self):
        self.staff_list()

    @task(2)
    def filtered(self):
        self.staff_list("?status=submitted", name="staff list, filtered")

    @task(1)
    def deep_page(self):
        self.staff_list(f"?page={random.randint(2, 60)}", name="staff list, page 2–60")

    @task(1)
    def search(self):
        self.staff_list(f"?q={random.choice(NAMES)}", name="staff list, name search")

    @task(4)
    def contract(self):
        self.show_one()

    @task(1)
    def dashboard(self):
        self.page("/contracts/dashboard/", "dashboard")


class Counsellor(Signed):
    weight = 2
    username = "counsellor"

    @task(3)
    def first_page(self):
        self.staff_list()

    @task(1)
    def search(self):
        self.staff_list(f"?q={random.choice(NAMES)}", name="staff list, name search")

    @task(3)
    def contract(self):
        self.show_one()


class Registrar(Signed):
    weight = 2
    username = "registrar"

    @task(3)
    def first_page(self):
        self.staff_list()

    @task(1)
    def exports(self):
        self.page("/exports/", "extractions page")

    @task(2)
    def contract(self):
        self.show_one()


class ApiClient(Signed):
    weight = 1
    username = "counsellor"

    @task
    def api_page(self):
        page = random.randint(0, 200)
        self.page(f"/api/v1/contracts/?q=(order_column:id,order_direction:asc,page:{page},page_size:50)",
                  "API page")
