"""The element trees of ``data/apogee-schema.md`` (AMUE's own WSDL/XSD, as the lead wrote them down),
and the same trees read from a WSDL with zeep, for comparing them.

A node is ``(name, type, min, max, nillable, children)``; ``children`` is a tuple of nodes, or
``("same as above", type)`` where the reference stops at a type met again on the same path.
Trees stop at depth 6, as the reference does.
"""
import os
import re
from dataclasses import dataclass
from itertools import takewhile

DEPTH = 6
SAME = "same as above"
PATH = os.path.join(os.path.dirname(__file__), "data", "apogee-schema.md")
_HEADING = re.compile(r"^## (\w+)\.(\w+)\s")
_NODE = re.compile(r"^(\s*)- (\w+): (\w+) \[(\d+)\.\.(\d+|n)\]( nillable)?$")
_SAME = re.compile(r"^\s*\(same as above: (\w+)\)$")


@dataclass
class Operation:
    service: str
    name: str
    request: tuple = ()
    response: tuple = ()


def read_reference(path=PATH):
    """{operation name: Operation} of the reference file."""
    operations, current, tree = {}, None, None
    with open(path, encoding="utf-8") as source:
        for line in source:
            line = line.rstrip("\n")
            heading = _HEADING.match(line)
            if heading:
                current = operations[heading.group(2)] = Operation(heading.group(1), heading.group(2))
            elif line.startswith(("request: element", "response: element")):
                tree = []
                setattr(current, line.split(":")[0], tree)
            elif tree is not None and (_NODE.match(line) or _SAME.match(line)):
                tree.append(line)
    for operation in operations.values():
        operation.request = _build(operation.request)
        operation.response = _build(operation.response)
    return operations


def _build(lines):
    """Nodes from indented lines (two spaces a level)."""
    root = []
    stack = [(0, root)]  # (depth, children list)
    for line in lines:
        same = _SAME.match(line)
        if same:
            parent = stack[-1][1]
            parent.append((SAME, same.group(1)))
            continue
        indent, name, type_name, low, high, nillable = _NODE.match(line).groups()
        depth = len(indent) // 2
        while stack[-1][0] >= depth:
            stack.pop()
        children = []
        stack[-1][1].append([name, type_name, int(low), high, bool(nillable), children])
        stack.append((depth, children))
    return _freeze(root)


def _freeze(nodes):
    if nodes and nodes[0][0] == SAME:
        return nodes[0]
    return tuple((n[0], n[1], n[2], n[3], n[4], _freeze(n[5])) for n in nodes)


def zeep_tree(client, namespace, element_name):
    """The same tree for a wrapper element of a WSDL loaded by zeep."""
    element = client.get_element(f"{{{namespace}}}{element_name}")
    return _children(element.type, 1, ())


def _children(xsd_type, depth, path):
    nodes = []
    for name, element in getattr(xsd_type, "elements", []):
        type_name = element.type.qname.localname
        high = "n" if element.max_occurs == "unbounded" else str(element.max_occurs)
        if depth >= DEPTH or not getattr(element.type, "elements", None):
            children = ()
        elif type_name in path:
            children = (SAME, type_name)
        else:
            children = _children(element.type, depth + 1, path + (type_name,))
        nodes.append((name, type_name, element.min_occurs, high, bool(element.nillable), children))
    return tuple(nodes)


def conformance_errors(element, nodes, depth=1, path=(), trees=None):
    """How an answer element's children differ from the reference ``nodes`` (order, presence,
    repetition, nil); an empty list when they conform."""
    from lxml import etree

    trees = dict(trees or {})
    errors = []
    children = [c for c in element if isinstance(c.tag, str)]
    position = 0
    for node in nodes:
        name, low, high = node[0], node[2], node[3]
        found = list(takewhile(lambda c: etree.QName(c).localname == name, children[position:]))
        position += len(found)
        if not low <= len(found) <= (len(found) if high == "n" else int(high)):
            errors.append(f"{'/'.join(path + (name,))}: {len(found)} found, [{low}..{high}] expected")
        for child in found:
            errors.extend(_child_errors(child, node, depth, path + (name,), trees))
    if depth <= DEPTH and position < len(children):
        errors.append(f"{'/'.join(path)}: unexpected {etree.QName(children[position]).localname}")
    return errors


def _child_errors(child, node, depth, path, trees):
    _, type_name, _, _, nillable, sub = node
    if child.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true":
        return [] if nillable else [f"{'/'.join(path)}: nil but not nillable"]
    if sub and sub[0] == SAME:
        sub = trees[sub[1]]
    trees[type_name] = sub
    return conformance_errors(child, sub, depth + 1, path, trees)
