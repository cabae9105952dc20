"""bench/loadtest.py's CPU per request: the CPU a process group used, read from /proc."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))

from loadtest import cpu_seconds  # noqa: E402

BURN = "import time\nwhile time.process_time() < 0.5:\n    pass\nimport sys\nsys.stdout.write('done\\n')\nsys.stdout.flush()\ninput()\n"


def test_the_cpu_a_process_group_used_is_read_while_it_runs():
    child = subprocess.Popen([sys.executable, "-c", BURN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             start_new_session=True, text=True)
    try:
        assert child.stdout.readline() == "done\n"  # it has used half a second of CPU, and still runs
        assert cpu_seconds(child.pid) >= 0.45
    finally:
        child.communicate("\n", timeout=30)
