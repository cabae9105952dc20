"""The simulator's own WSDL documents, built from ``schema.py``.

Two layers, as Apogée's (Axis 1 Java2WSDL) services: the abstract document (types, messages,
portType) in the service namespace ``N``, and the concrete one (binding, service, port) in
``N-impl`` importing it. SOAP 1.1, document/literal wrapped, ``soapAction=""``, every schema
``elementFormDefault="unqualified"``.
"""
from functools import lru_cache

from lxml import etree

from app.sis.simulator.schema import EXCEPTION_NS, SIMPLE, TYPES, operations_of, types_reachable

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"
HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"


def _type_ref(type_name, prefixes):
    if type_name in SIMPLE:
        return f"xsd:{type_name}"
    return f"{prefixes[TYPES[type_name].namespace]}:{type_name}"


def _used_types(service):
    roots = ["WebBaseException"]
    for op in operations_of(service):
        roots.append(op.returns)
        roots.extend(t for _, t in op.params)
    return types_reachable(roots)


@lru_cache(maxsize=None)
def abstract_wsdl(service):
    """The abstract document of a service, as bytes."""
    ops = operations_of(service)
    namespace = ops[0].namespace
    types = _used_types(service)
    namespaces = sorted({TYPES[t].namespace for t in types})
    prefixes = {ns: f"tns{i + 1}" for i, ns in enumerate(namespaces)}
    nsmap = {"wsdl": WSDL, "wsdlsoap": SOAP, "xsd": XSD, "intf": namespace, "apachesoap": "http://xml.apache.org/xml-soap"}
    nsmap.update({p: ns for ns, p in prefixes.items()})
    root = etree.Element(f"{{{WSDL}}}definitions", nsmap=nsmap, targetNamespace=namespace)
    types_el = etree.SubElement(root, f"{{{WSDL}}}types")

    # The service schema: wrapper elements and the fault element.
    schema = _schema(types_el, namespace, namespaces)
    for op in ops:
        request = etree.SubElement(schema, f"{{{XSD}}}element", name=op.name)
        seq = etree.SubElement(etree.SubElement(request, f"{{{XSD}}}complexType"), f"{{{XSD}}}sequence")
        for name, type_name in op.params:
            # Complex parameters are optional in practice; strings are required, not nillable.
            attrs = {"name": name, "type": _type_ref(type_name, prefixes)}
            if type_name not in SIMPLE:
                attrs["nillable"] = "true"
            etree.SubElement(seq, f"{{{XSD}}}element", attrs)
        response = etree.SubElement(schema, f"{{{XSD}}}element", name=op.response_element)
        seq = etree.SubElement(etree.SubElement(response, f"{{{XSD}}}complexType"), f"{{{XSD}}}sequence")
        etree.SubElement(
            seq, f"{{{XSD}}}element", name=op.return_name, type=_type_ref(op.returns, prefixes),
            minOccurs="0", maxOccurs="unbounded" if op.many else "1", nillable="true",
        )
    etree.SubElement(schema, f"{{{XSD}}}element", name="fault", type=_type_ref("WebBaseException", prefixes))

    # One schema per DTO namespace.
    for ns in namespaces:
        sub = _schema(types_el, ns, [n for n in namespaces if n != ns])
        for type_name in types:
            ctype = TYPES[type_name]
            if ctype.namespace != ns:
                continue
            seq = etree.SubElement(
                etree.SubElement(sub, f"{{{XSD}}}complexType", name=type_name), f"{{{XSD}}}sequence"
            )
            for fld in ctype.fields:
                attrs = {"name": fld.name, "type": _type_ref(fld.type, prefixes)}
                if fld.many:
                    attrs.update(minOccurs="0", maxOccurs="unbounded")
                else:
                    attrs["minOccurs"] = "0"
                attrs["nillable"] = "true"
                etree.SubElement(seq, f"{{{XSD}}}element", attrs)

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
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _schema(parent, namespace, imports):
    schema = etree.SubElement(
        parent, f"{{{XSD}}}schema", targetNamespace=namespace, elementFormDefault="unqualified"
    )
    for ns in imports:
        etree.SubElement(schema, f"{{{XSD}}}import", namespace=ns)
    return schema


def impl_wsdl(service, address):
    """The concrete document (what ``<address>?wsdl`` answers), importing the abstract one."""
    ops = operations_of(service)
    namespace = ops[0].namespace
    impl_ns = f"{namespace}-impl"
    nsmap = {"wsdl": WSDL, "wsdlsoap": SOAP, "xsd": XSD, "intf": namespace, "impl": impl_ns}
    root = etree.Element(f"{{{WSDL}}}definitions", nsmap=nsmap, targetNamespace=impl_ns)
    etree.SubElement(root, f"{{{WSDL}}}import", namespace=namespace, location=f"{service}?wsdl=abstract")
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


__all__ = ["EXCEPTION_NS", "abstract_wsdl", "impl_wsdl"]
