"""What ``bench/sync.py --sis pegase`` needs of the simulated Pégase: its command, how to tell it is
up, the application's settings, and its raw capacity for the calls the sync makes per student."""
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from simulators.pegase.records import STRUCTURE, uid

COMMAND = "pegase-simulator"
SECTION = "Pégase sync"  # of docs/benchmarks.md
USER, PASSWORD = "svc-api", "secret"  # the simulator's default service account
INS, IDT = "/api/ins/ext/v2", "/api/idt/ext/v1"


def base_url(port):
    return f"http://127.0.0.1:{port}"


def token(base):
    answer = requests.post(base + "/cas/v1/tickets", data={"username": USER, "password": PASSWORD, "token": "true"},
                           timeout=5)
    answer.raise_for_status()
    return answer.text


def is_up(base):
    try:
        return bool(token(base))
    except requests.RequestException:
        return False


def app_config(base, concurrency):
    return {"SIS_BACKEND": "pegase", "PEGASE_BASE_URL": base, "PEGASE_USER": USER, "PEGASE_PASSWORD": PASSWORD,
            "PEGASE_CONCURRENCY": concurrency}


def raw_capacity(base, numbers, year, concurrency):
    """Students/s when only the HTTP exchanges are done: the learner's file (INS) and identity (IDT),
    with one token; no JSON read, no database."""
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=concurrency + 2))
    session.headers["Authorization"] = f"Bearer {token(base)}"

    def one(number):
        session.get(f"{base}{INS}/gestion/inscription/{STRUCTURE}/{number}/", timeout=30).content
        session.get(f"{base}{IDT}/etablissements/{STRUCTURE}/identites/{uid('identity', number)}", timeout=30).content

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, numbers))
    return len(numbers) / (time.perf_counter() - start)
