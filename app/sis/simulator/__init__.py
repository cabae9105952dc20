"""A local Apogée that speaks the real operations over HTTP/SOAP, for tests, the demo and benchmarks.

Its WSDL is the project's own (``schema.py`` → ``wsdl.py``), following the names and shapes of
``reference/apogee-ws.md``; its data comes from a seeded generator (``generator.py``).
"""
from app.sis.simulator.generator import demo_dataset, generate
from app.sis.simulator.server import Behaviour, Simulator

__all__ = ["Behaviour", "Simulator", "demo_dataset", "generate"]
