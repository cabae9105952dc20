"""A local Apogée that speaks the real operations over HTTP/SOAP, for tests, the demo and benchmarks.

Its answers have the shape of Apogée's own (``reference/apogee-schema.md``): every element present,
in order, typed. Its WSDL is the project's own (``schema.py``, ``dtos.py``, ``operations.py`` →
``wsdl.py``); its data comes from a seeded generator (``generator.py``).
"""
from simulators.apogee.generator import demo_dataset, generate
from simulators.apogee.server import Behaviour, Simulator

__all__ = ["Behaviour", "Simulator", "demo_dataset", "generate"]
