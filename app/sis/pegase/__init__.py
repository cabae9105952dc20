"""Pégase (PC-SCOL) behind the seam: its external REST APIs read with requests.

``settings`` (where the APIs and the CAS are), ``client`` (the service account's JWT, HTTP,
retries), ``errors`` (every failure as one of the seam's errors), ``system`` (the mapping of its
JSON to the seam's records).
"""
from app.sis.pegase.system import PegaseSystem

__all__ = ["PegaseSystem"]
