"""The shapes of the Apogée web services the simulator serves: a small vocabulary for DTOs and the
operations, written for this project.

Facts from ``reference/apogee-schema.md`` (the element trees of the nine operations ConPeRe calls:
names, order, types, occurrence, nillable) and ``reference/apogee-ws.md`` (namespaces, wrapper and
return elements, the structures below the depth the first one shows). No AMUE file was copied.
The WSDL documents (``wsdl.py``) and the answers (``server.py``) are both built from this one
description, so they cannot disagree; ``tests/sis/test_shapes.py`` compares it with the reference.
"""
from dataclasses import dataclass, field

SERVICE_NS_ROOT = "gouv.education.apogee.commun.servicesmetiers."
EXCEPTION_NS = "exception.transverse.commun.apogee.education.gouv"

# The date suffixes exist only in the namespaces and in AMUE's WSDL file names.
SUFFIXES = {"ReferentielMetier": "_21062012", "InfosEtuMetier": "_01062007"}
SERVICES = ("EtudiantMetier", "AdministratifMetier", "PedagogiqueMetier", "OffreFormationMetier",
            "ReferentielMetier", "InfosEtuMetier")
SERVICE_NAMESPACES = {s: SERVICE_NS_ROOT + s + SUFFIXES.get(s, "") for s in SERVICES}
SIMPLE = {"string", "int", "integer", "decimal", "dateTime"}


@dataclass(frozen=True)
class Field:
    """One element of a sequence: ``[min..1]`` or ``[min..n]`` (``many``), nillable or not."""

    name: str
    type: str = "string"  # a SIMPLE type or the key of a complex type
    min: int = 1
    many: bool = False
    nillable: bool = True


@dataclass
class ComplexType:
    name: str
    namespace: str
    fields: list = field(default_factory=list)


TYPES = {}  # key ("<domain>:<Name>") -> ComplexType


class Domain:
    """The DTOs of one Apogée domain (``<Name>.<domain>.dto.transverse.commun.apogee.education.gouv``).

    A field's complex type is named as in the reference; it resolves to this domain's type of that
    name, so homonyms of two domains (``EtapeDTO``, ``ProfilEtuDTO``) stay apart.
    """

    def __init__(self, domain):
        self.domain = domain

    def key(self, name):
        return f"{self.domain}:{name}"

    def dto(self, name, *fields):
        resolved = [f if f.type in SIMPLE or ":" in f.type else _retype(f, self.key(f.type)) for f in fields]
        TYPES[self.key(name)] = ComplexType(
            name, f"{name}.{self.domain}.dto.transverse.commun.apogee.education.gouv", resolved
        )

    def table(self, name, item_type, item="item"):
        """A list wrapper: ``<x><item/>…</x>`` with ``item [0..n]``."""
        self.dto(name, Field(item, item_type, min=0, many=True, nillable=False))

    def codes(self, name, *names):
        """A small DTO of nillable strings."""
        self.dto(name, *(s(n) for n in names))


def _retype(fld, key):
    return Field(fld.name, key, fld.min, fld.many, fld.nillable)


def s(name, type="string", nillable=True):
    """``name: type [1..1]`` (nillable unless said)."""
    return Field(name, type, nillable=nillable)


def strings(*names):
    return [s(n) for n in names]


def repeated(name, type="string", nillable=True):
    """``name: type [0..n]``."""
    return Field(name, type, min=0, many=True, nillable=nillable)


# --- Operations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    service: str
    name: str
    params: tuple  # Fields, in order
    returns: str  # key of the returned type, or a SIMPLE type
    many: bool = True  # the return element is [1..n] (else [1..1])
    response: str = ""  # response wrapper element, "<name>Response" unless irregular
    return_element: str = ""  # "<name>Return" unless irregular

    @property
    def response_element(self):
        return self.response or f"{self.name}Response"

    @property
    def return_name(self):
        return self.return_element or f"{self.name}Return"

    @property
    def namespace(self):
        return SERVICE_NAMESPACES[self.service]


def params(*names):
    """Request parameters: required strings, not nillable (clients leave unused ones out)."""
    return tuple(Field(n, nillable=False) for n in names)


def operations_of(service):
    from simulators.apogee.operations import OPERATIONS

    return [op for op in OPERATIONS if op.service == service]


def types_reachable(type_keys):
    """Every complex type used, transitively, by these ones (for one service's WSDL)."""
    seen, stack = [], list(type_keys)
    while stack:
        key = stack.pop()
        if key in SIMPLE or key in seen:
            continue
        seen.append(key)
        stack.extend(fld.type for fld in TYPES[key].fields)
    return seen
