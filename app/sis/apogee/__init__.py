"""Apogée (AMUE) behind the seam: its SOAP web services read with zeep.

``settings`` (where the services and their WSDL are), ``client`` (zeep, HTTP, retries, tolerant
reading), ``errors`` (every failure as one of the seam's errors), ``system`` (the mapping of
Apogée's DTOs to the seam's records).
"""
from app.sis.apogee.system import ApogeeSystem

__all__ = ["ApogeeSystem"]
