"""The simulator's own WSDL documents, built from ``schema.py``.

Two layers, as Apogée's (Axis 1 Java2WSDL) services: the abstract document (types, messages,
portType) in the service namespace ``N``, and the concrete one (binding, service, port) in
``N-impl`` importing it. SOAP 1.1, document/literal wrapped, ``soapAction=""``, every schema
``elementFormDefault="unqualified"``; elements ``[1..1]`` unless said, ``nillable`` as Apogée's.

Served over HTTP (``<endpoint>?wsdl`` importing ``<endpoint>?wsdl=abstract``), or written to a
folder under AMUE's file names (``write_folder``) with relative imports, as ESUP applications
ship them.
"""
import os
from functools import lru_cache

from lxml import etree

from simulators.apogee.schema import SERVICES, SIMPLE, SUFFIXES, TYPES, Field, operations_of, types_reachable

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"
HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"


def impl_file_name(service):
    """AMUE's name of a service's concrete WSDL: ``ReferentielMetier_21062012_Impl.wsdl``."""
    return f"{service}{SUFFIXES.get(service, '')}_Impl.wsdl"


def abstract_file_name(service):
    return f"{service}{SUFFIXES.get(service, '')}.wsdl"


def _type_ref(key, prefixes):
    if key in SIMPLE:
        return f"xsd:{key}"
    return f"{prefixes[TYPES[key].namespace]}:{TYPES[key].name}"


def _element(parent, fld, prefixes):
    attrs = {"name": fld.name, "type": _type_ref(fld.type, prefixes)}
    if fld.min != 1:
        attrs["minOccurs"] = str(fld.min)
    if fld.many:
        attrs["maxOccurs"] = "unbounded"
    if fld.nillable:
        attrs["nillable"] = "true"
    return etree.SubElement(parent, f"{{{XSD}}}element", attrs)


def _sequence(parent, **attrs):
    ctype = etree.SubElement(parent, f"{{{XSD}}}complexType", **attrs)
    return etree.SubElement(ctype, f"{{{XSD}}}sequence")


def _used_types(ops):
    roots = ["exception:WebBaseException"]
    for op in ops:
        roots.append(op.returns)
        roots.extend(p.type for p in op.params)
    return types_reachable(roots)


@lru_cache(maxsize=None)
def abstract_wsdl(service):
    """The abstract document of a service, as bytes."""
    ops = operations_of(service)
    namespace = ops[0].namespace
    types = _used_types(ops)
    namespaces = sorted({TYPES[t].namespace for t in types})
    prefixes = {ns: f"tns{i + 1}" for i, ns in enumerate(namespaces)}
    nsmap = {"wsdl": WSDL, "wsdlsoap": SOAP, "xsd": XSD, "intf": namespace, "apachesoap": "http://xml.apache.org/xml-soap"}
    nsmap.update({p: ns for ns, p in prefixes.items()})
    root = etree.Element(f"{{{WSDL}}}definitions", nsmap=nsmap, targetNamespace=namespace)
    types_el = etree.SubElement(root, f"{{{WSDL}}}types")
    _service_schema(_schema(types_el, namespace, namespaces), ops, prefixes)
    for ns in namespaces:  # one schema per DTO namespace
        _dto_schema(_schema(types_el, ns, [n for n in namespaces if n != ns]), ns, types, prefixes)
    _messages_and_port_type(root, service, ops)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _service_schema(schema, ops, prefixes):
    """The wrapper elements of the requests and responses, and the fault element."""
    for op in ops:
        seq = _sequence(etree.SubElement(schema, f"{{{XSD}}}element", name=op.name))
        for param in op.params:
            _element(seq, param, prefixes)
        response = etree.SubElement(schema, f"{{{XSD}}}element", name=op.response_element)
        _element(_sequence(response), Field(op.return_name, op.returns, many=op.many, nillable=False), prefixes)
    etree.SubElement(schema, f"{{{XSD}}}element", name="fault", type=_type_ref("exception:WebBaseException", prefixes))


def _dto_schema(schema, namespace, types, prefixes):
    for ctype in (TYPES[key] for key in types if TYPES[key].namespace == namespace):
        seq = _sequence(schema, name=ctype.name)
        for fld in ctype.fields:
            _element(seq, fld, prefixes)


def _messages_and_port_type(root, service, ops):
    fault_message = etree.SubElement(root, f"{{{WSDL}}}message", name="WebBaseException")
    etree.SubElement(fault_message, f"{{{WSDL}}}part", name="fault", element="intf:fault")
    for op in ops:
        for suffix, element in (("Request", op.name), ("Response", op.response_element)):
            message = etree.SubElement(root, f"{{{WSDL}}}message", name=f"{op.name}{suffix}")
            etree.SubElement(message, f"{{{WSDL}}}part", name="parameters", element=f"intf:{element}")
    port_type = etree.SubElement(root, f"{{{WSDL}}}portType", name=f"{service}ServiceInterface")
    for op in ops:
        operation = etree.SubElement(port_type, f"{{{WSDL}}}operation", name=op.name)
        for kind, suffix in (("input", "Request"), ("output", "Response")):
            etree.SubElement(operation, f"{{{WSDL}}}{kind}", name=f"{op.name}{suffix}", message=f"intf:{op.name}{suffix}")
        etree.SubElement(operation, f"{{{WSDL}}}fault", name="WebBaseException", message="intf:WebBaseException")


def _schema(parent, namespace, imports):
    schema = etree.SubElement(
        parent, f"{{{XSD}}}schema", targetNamespace=namespace, elementFormDefault="unqualified"
    )
    for ns in imports:
        etree.SubElement(schema, f"{{{XSD}}}import", namespace=ns)
    return schema


def impl_wsdl(service, address, abstract_location=None):
    """The concrete document (what ``<address>?wsdl`` answers), importing the abstract one from
    ``abstract_location`` (by default the same address with ``?wsdl=abstract``)."""
    ops = operations_of(service)
    namespace = ops[0].namespace
    impl_ns = f"{namespace}-impl"
    nsmap = {"wsdl": WSDL, "wsdlsoap": SOAP, "xsd": XSD, "intf": namespace, "impl": impl_ns}
    root = etree.Element(f"{{{WSDL}}}definitions", nsmap=nsmap, targetNamespace=impl_ns)
    location = abstract_location or f"{service}?wsdl=abstract"
    etree.SubElement(root, f"{{{WSDL}}}import", namespace=namespace, location=location)
    binding = etree.SubElement(
        root, f"{{{WSDL}}}binding", name=f"{service}SoapBinding", type=f"intf:{service}ServiceInterface"
    )
    etree.SubElement(binding, f"{{{SOAP}}}binding", style="document", transport=HTTP_TRANSPORT)
    for op in ops:
        operation = etree.SubElement(binding, f"{{{WSDL}}}operation", name=op.name)
        etree.SubElement(operation, f"{{{SOAP}}}operation", soapAction="")
        for kind, suffix in (("input", "Request"), ("output", "Response")):
            io = etree.SubElement(operation, f"{{{WSDL}}}{kind}", name=f"{op.name}{suffix}")
            etree.SubElement(io, f"{{{SOAP}}}body", use="literal")
        fault = etree.SubElement(operation, f"{{{WSDL}}}fault", name="WebBaseException")
        etree.SubElement(fault, f"{{{SOAP}}}fault", name="WebBaseException", use="literal")
    svc = etree.SubElement(root, f"{{{WSDL}}}service", name=f"{service}ServiceInterfaceService")
    port = etree.SubElement(svc, f"{{{WSDL}}}port", name=service, binding=f"impl:{service}SoapBinding")
    etree.SubElement(port, f"{{{SOAP}}}address", location=address)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


DEFAULT_ADDRESS = "http://localhost:8080/apo-commun-servicesMetiers/services/"


def write_folder(path, address=DEFAULT_ADDRESS):
    """Write every service's WSDL under AMUE's file names, the concrete one importing the abstract
    one by a relative location (``soap:address`` = AMUE's default unless given). Returns the names."""
    os.makedirs(path, exist_ok=True)
    written = []
    for service in SERVICES:
        documents = {
            abstract_file_name(service): abstract_wsdl(service),
            impl_file_name(service): impl_wsdl(service, address.rstrip("/") + "/" + service,
                                               abstract_location=abstract_file_name(service)),
        }
        for name, content in documents.items():
            with open(os.path.join(path, name), "wb") as out:
                out.write(content)
            written.append(name)
    return written
