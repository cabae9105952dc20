"""A local Pégase that answers the read operations of PC-SCOL's external APIs (INS, CHC, COC, IDT)
over HTTP with JSON in their published schemas, behind its own CAS ticket endpoint, for tests,
the demo and benchmarks.

Its university is the Apogée simulator's (``simulators.apogee.generate``/``demo_dataset``): both
serve the same students. ``records.py`` writes them as Pégase does, ``extras.py`` adds what only
Pégase knows, ``server.py`` serves them.
"""
from simulators.pegase.extras import PegaseExtras, demo_extras
from simulators.pegase.server import Behaviour, PegaseSimulator

__all__ = ["Behaviour", "PegaseExtras", "PegaseSimulator", "demo_extras"]
