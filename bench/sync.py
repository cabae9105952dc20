"""Benchmark: the Apogée (or Pégase) sync of a simulated university, against the simulator's raw capacity.

    .venv/bin/python bench/sync.py [--sis apogee|pegase] [--students 40000] [--concurrency 8] [--raw-sample 4000]
                                   [--write "TITLE"]

1. Starts the simulator (``flask --app run apogee-simulator``, or ``pegase-simulator``) in its own
   process on a free port.
2. Raw capacity: the per-student calls the sync makes (Apogée: three SOAP calls posted as prebuilt
   envelopes; Pégase: ``bench/sync_pegase.py``) from a thread pool of the same size, answers not
   parsed — what the simulator can serve here.
3. A first sync into a fresh SQLite database (every student created), then a second one with no
   change in the system. Prints students/s, the ratio to the raw capacity and the load average
   (the machine may be shared), and writes the numbers to ``bench/out/sync.json``
   (``sync-pegase.json``); with ``--write``, also as a "### TITLE" table in the system's section of
   docs/benchmarks.md.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from bench.common import machine_note, write_section  # noqa: E402

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "gouv.education.apogee.commun.servicesmetiers."


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def apogee_is_up(base):
    try:
        return requests.get(base + "EtudiantMetier?wsdl", timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def start_simulator(students, port, system):
    command = [os.path.join(ROOT, ".venv", "bin", "flask"), "--app", "run", system.COMMAND,
               "--students", str(students), "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = system.base_url(port)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if system.is_up(base):
            return process, base
        time.sleep(0.3)
    process.kill()
    raise SystemExit("the simulator did not start: " + (process.stdout.read() if process.stdout else ""))


def cpu_seconds(pid):
    """User + system CPU time of a process, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def envelopes(number, year):
    def env(service, op, params):
        body = "".join(f"<{k}>{v}</{k}>" for k, v in params)
        return (service, f'<soapenv:Envelope xmlns:soapenv="{ENV}"><soapenv:Body><a:{op} xmlns:a="{NS}{service}">'
                         f"{body}</a:{op}></soapenv:Body></soapenv:Envelope>".encode())

    return [
        env("EtudiantMetier", "recupererInfosAdmEtu_v4", [("_codEtu", number)]),
        env("EtudiantMetier", "recupererAdressesEtudiant_v2", [("_codEtu", number), ("_annee", year), ("_recupAnnuaire", "O")]),
        env("AdministratifMetier", "recupererIAEtapes_v3", [("_codEtu", number), ("_annee", year), ("_etatIAA", "ARE"), ("_etatIAE", "ARE")]),
    ]


def raw_capacity(base, numbers, year, concurrency):
    """Students/s when only the HTTP exchanges are done: no zeep, no parsing, no database."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=concurrency + 2)
    session.mount("http://", adapter)
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}

    def one(number):
        for service, body in envelopes(number, str(year)):
            session.post(base + service, data=body, headers=headers, timeout=30).content

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, numbers))
    return len(numbers) / (time.perf_counter() - start)


class Apogee:
    """The Apogée side of the benchmark (``bench/sync_pegase.py`` is Pégase's)."""

    COMMAND = "apogee-simulator"
    SECTION = "Apogée sync"
    is_up = staticmethod(apogee_is_up)
    raw_capacity = staticmethod(raw_capacity)

    @staticmethod
    def base_url(port):
        return f"http://127.0.0.1:{port}/services/"

    @staticmethod
    def app_config(base, concurrency):
        return {"APOGEE_BASE_URL": base, "APOGEE_CONCURRENCY": concurrency}


def table(results, args, sample, load_at_start):
    """The run as the lines of docs/benchmarks.md."""
    lines = [f"`.venv/bin/python bench/sync.py --sis {args.sis} --students {args.students} --concurrency "
             f"{args.concurrency}`, {time.strftime('%d %b %Y')}. "
             + machine_note(load_at_start, "Simulator and sync on the same machine"), "",
             "| Run | Time | Students/s | Ratio to raw capacity | CPU per student (sync / simulator) | Load average |",
             "|---|---|---|---|---|---|",
             f"| Raw capacity ({sample:,}-student sample) | — | {results['raw_per_second']:.0f} | 1 | "
             f"— / {results['raw_simulator_cpu_ms_per_student']} ms | — |"]
    for label, name in (("first", "First sync (all created)"), ("no-change", "Re-sync, no change")):
        run = results[label]
        lines.append(f"| {name} | {run['seconds']:,.0f} s | {run['per_second']:.0f} | {run['ratio_to_raw']:.2f} | "
                     f"{run['sync_cpu_ms_per_student']} ms / {run['simulator_cpu_ms_per_student']} ms | "
                     f"{run['load_average']} |")
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sis", choices=("apogee", "pegase"), default="apogee")
    parser.add_argument("--students", type=int, default=40000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--raw-sample", type=int, default=4000)
    parser.add_argument("--write", metavar="TITLE", help='also put the table in docs/benchmarks.md, under "### TITLE"')
    args = parser.parse_args()
    load_at_start = os.getloadavg()[0]

    workdir = tempfile.mkdtemp(prefix="conpere-bench-")
    os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(workdir, "bench.db")
    if args.sis == "pegase":
        from bench import sync_pegase as system
    else:
        system = Apogee
    port = free_port()
    simulator, base = start_simulator(args.students, port, system)
    try:
        from flask_migrate import upgrade

        from app import create_app
        from app.catalog.models import Settings
        from app.extensions import db
        from app.sis.sync import SyncOptions, run_sync
        from seeds.catalogue import academic_year, load_reference

        year = academic_year()
        app = create_app(overrides={**system.app_config(base, args.concurrency),
                                    "SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"]})
        with app.app_context():
            upgrade()
            load_reference()
            db.session.get(Settings, 1).diploma_types = "L,LP,M,DU"  # every generated student in scope
            db.session.commit()

        numbers = [f"3{i:07d}" for i in range(min(args.raw_sample, args.students))]
        sim_cpu = cpu_seconds(simulator.pid)
        raw = system.raw_capacity(base, numbers, year, args.concurrency)
        raw_cpu = (cpu_seconds(simulator.pid) - sim_cpu) / len(numbers)
        print(f"raw capacity ({args.sis}): {raw:.0f} students/s ({len(numbers)} students; "
              f"simulator CPU {1000 * raw_cpu:.2f} ms per student; load average {os.getloadavg()[0]:.1f})", flush=True)

        results = {}
        for label in ("first", "no-change"):
            with app.app_context():
                start, cpu, sim_cpu = time.perf_counter(), time.process_time(), cpu_seconds(simulator.pid)
                run = run_sync(SyncOptions(trigger="bench"))
                seconds = time.perf_counter() - start
                cpu, sim_cpu = time.process_time() - cpu, cpu_seconds(simulator.pid) - sim_cpu
            rate = run.total / seconds
            results[label] = {"seconds": round(seconds, 1), "students": run.total, "per_second": round(rate, 1),
                              "ratio_to_raw": round(rate / raw, 3), "status": run.status, "summary": run.summary,
                              "sync_cpu_ms_per_student": round(1000 * cpu / run.total, 2),
                              "simulator_cpu_ms_per_student": round(1000 * sim_cpu / run.total, 2),
                              "load_average": round(os.getloadavg()[0], 1)}
            print(f"{label}: {run.total} students in {seconds:.1f}s = {rate:.1f} students/s "
                  f"({rate / raw:.0%} of raw; load average {os.getloadavg()[0]:.1f}) — {run.status}: {run.summary}\n"
                  f"  CPU per student: sync {1000 * cpu / run.total:.2f} ms, simulator {1000 * sim_cpu / run.total:.2f} ms",
                  flush=True)
        results["raw_per_second"] = round(raw, 1)
        results["raw_simulator_cpu_ms_per_student"] = round(1000 * raw_cpu, 2)
        results["concurrency"] = args.concurrency
        results["cpus"] = os.cpu_count()
        os.makedirs(os.path.join(ROOT, "bench", "out"), exist_ok=True)
        results["sis"] = args.sis
        name = "sync.json" if args.sis == "apogee" else f"sync-{args.sis}.json"
        with open(os.path.join(ROOT, "bench", "out", name), "w") as out:
            json.dump(results, out, indent=2)
        if args.write:
            write_section(system.SECTION, args.write, table(results, args, len(numbers), load_at_start))
    finally:
        simulator.terminate()
        simulator.wait(10)


if __name__ == "__main__":
    main()
