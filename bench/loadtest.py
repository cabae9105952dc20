"""The load test: gunicorn as shipped, on a generated university, with Locust's simulated users.

    .venv/bin/python bench/loadtest.py --database-url postgresql://…/conpere_bench \\
        [--users 50] [--duration 180] [--port 5150] [--write "TITLE"]

1. Installs Locust in its own environment the first time (``bench/.venv-locust``, from
   ``bench/requirements.txt``): it is a tool of the benchmark, not of the application.
2. Starts gunicorn on the database with the production configuration: ``gunicorn.conf.py`` when the
   repository has it, else the same settings on the command line (5 processes × 4 threads, 60 s).
3. Runs ``bench/locustfile.py`` headless (users signing in, then pages with 0.5–2 s of thought),
   prints p50 / p95 / p99, requests per second and errors per page, and with ``--write`` puts the
   table in docs/benchmarks.md. Targets of issue 11: p95 ≤ 500 ms, no error.
"""
import argparse
import csv
import os
import signal
import subprocess
import sys
import time
import venv

import requests
import sqlalchemy as sa

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
LOCUST_ENV = os.path.join(BENCH, ".venv-locust")
sys.path[:0] = [BENCH, ROOT]

from common import machine_note, publish  # noqa: E402

SAME_SETTINGS = ["--workers", "5", "--worker-class", "gthread", "--threads", "4", "--timeout", "60"]


def locust_command():
    binary = os.path.join(LOCUST_ENV, "bin", "locust")
    if not os.path.exists(binary):
        print("installing Locust in bench/.venv-locust …", flush=True)
        venv.create(LOCUST_ENV, with_pip=True)
        subprocess.run([os.path.join(LOCUST_ENV, "bin", "pip"), "install", "-q", "-r",
                        os.path.join(BENCH, "requirements.txt")], check=True)
    return binary


def student_accounts(url, count=300):
    """Students of the current year with a contract to open (the generated ones: e5…)."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        names = connection.scalars(sa.text(
            "SELECT u.username FROM contract c JOIN student s ON s.id = c.student_id JOIN ab_user u "
            "ON u.id = s.user_id WHERE c.year = (SELECT current_year FROM settings WHERE id = 1) "
            "AND u.username LIKE 'e5%' ORDER BY c.id LIMIT :n"), {"n": count}).all()
    engine.dispose()
    return names


def start_gunicorn(url, port):
    env = dict(os.environ, DATABASE_URL=url, CONPERE_CONFIG="production", SESSION_COOKIE_SECURE="0",
               # Production refuses to start without an https public address; gunicorn still listens on loopback.
               PUBLIC_URL=os.environ.get("PUBLIC_URL", "https://conpere.load-test.invalid"),
               SECRET_KEY=os.environ.get("SECRET_KEY", "load-test-secret-key-0123456789abcdef0123456789"),
               GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_ACCESS_LOG=os.path.join(OUT, "gunicorn-access.log"),
               # 50 users sign in from one address within seconds: above the per-address login limit.
               AUTH_RATE_LIMIT=os.environ.get("AUTH_RATE_LIMIT", "1000 per 20 second"))
    shipped = os.path.join(ROOT, "gunicorn.conf.py")
    settings = ["-c", shipped] if os.path.exists(shipped) else SAME_SETTINGS + ["--bind", f"127.0.0.1:{port}"]
    log = open(os.path.join(OUT, "gunicorn.log"), "w")
    process = subprocess.Popen([os.path.join(ROOT, ".venv", "bin", "gunicorn"), *settings, "run:app"], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"loadtest: gunicorn stopped at start (see {log.name})")
        try:
            if requests.get(f"http://127.0.0.1:{port}/login/", timeout=5).status_code == 200:
                return process, "gunicorn.conf.py" if settings[0] == "-c" else " ".join(SAME_SETTINGS)
        except requests.RequestException:
            pass
        time.sleep(1)
    stop(process)
    raise SystemExit("loadtest: gunicorn did not answer within 300 s")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def cpu_seconds(group):
    """CPU time used so far by the processes of ``group`` (gunicorn's master and workers, from /proc):
    divided by the requests served, a cost per request that the machine's other work changes less
    than it changes response times."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, …, utime (12), stime (13)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def run_locust(args, students):
    prefix = os.path.join(OUT, "load")
    env = dict(os.environ, LOAD_STUDENTS=",".join(students))
    subprocess.run([locust_command(), "-f", os.path.join(BENCH, "locustfile.py"), "--headless", "-u", str(args.users),
                    "-r", str(args.spawn_rate), "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{args.port}",
                    "--csv", prefix, "--only-summary", "--stop-timeout", "10"], env=env, check=False)
    with open(prefix + "_stats.csv", newline="") as stats:
        return list(csv.DictReader(stats))


def table(rows, duration):
    lines = ["| page | requests | errors | p50 (ms) | p95 (ms) | p99 (ms) | requests/s |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", -int(r["Request Count"]))):
        name = "**all pages**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} | "
                     f"{row['99%']} | {float(row['Requests/s']):.1f} |")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--duration", type=int, default=180, help="seconds")
    parser.add_argument("--port", type=int, default=5150)
    parser.add_argument("--write", metavar="TITLE")
    args = parser.parse_args(argv)
    if not args.database_url:
        print("loadtest: give --database-url (or set BENCH_DATABASE_URL)", file=sys.stderr)
        return 2
    os.makedirs(OUT, exist_ok=True)
    students = student_accounts(args.database_url)
    load_at_start = os.getloadavg()[0]
    process, settings = start_gunicorn(args.database_url, args.port)
    workers = os.environ.get("GUNICORN_WORKERS"), os.environ.get("GUNICORN_THREADS")
    if any(workers):
        settings += f" (GUNICORN_WORKERS={workers[0] or 'default'}, GUNICORN_THREADS={workers[1] or 'default'})"
    try:
        started_cpu = cpu_seconds(process.pid)
        rows = run_locust(args, students)
        used_cpu = cpu_seconds(process.pid) - started_cpu
    finally:
        stop(process)
    served = sum(int(r["Request Count"]) for r in rows if r["Name"] == "Aggregated")
    cpu_note = f"; gunicorn used {1000 * used_cpu / max(served, 1):.1f} ms of CPU per request" if served else ""
    lines = table(rows, args.duration) + ["", machine_note(
        load_at_start, f"`bench/loadtest.py --users {args.users} --duration {args.duration}` (spawn "
                       f"{args.spawn_rate}/s), gunicorn with {settings}{cpu_note}, PostgreSQL, Locust on the same machine")]
    publish("Load test", args.write, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
