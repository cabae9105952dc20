"""PC-SCOL's OpenAPI files (kept in ``openapi/``) loaded for openapi-core, pointed at a simulator."""
import os

import yaml
from openapi_core import OpenAPI

HERE = os.path.join(os.path.dirname(__file__), "openapi")
FILES = {
    "ins": "inscription-ext-api-v2-2.6.1.yaml",
    "chc": "chc-ext-api-v1-1.5.2.yml",
    "coc": "coc-publication-api-v2-2.3.0.yml",
    "idt": "idt-ext-api-v1-1.6.0.yaml",
}


class _Loader(yaml.SafeLoader):
    """YAML 1.1 allows an anchor to be defined again (the INS file does: CANAL_COMMUNICATION);
    PyYAML refuses it, SnakeYAML (Pégase's own tooling) accepts it: the later one wins."""

    def compose_node(self, parent, index):
        anchor = getattr(self.peek_event(), "anchor", None)
        if anchor is not None:
            self.anchors.pop(anchor, None)
        return super().compose_node(parent, index)


def _string_keys(value):
    # JSON has string keys only; YAML reads the status codes 200, 404… as integers.
    if isinstance(value, dict):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value


def document(api):
    with open(os.path.join(HERE, FILES[api]), encoding="utf-8") as handle:
        spec = _string_keys(yaml.load(handle, _Loader))
    if api == "coc":  # the one defect of the files: `type: UUID` is no OpenAPI type (read: a uuid string)
        spec["components"]["schemas"]["ReleveDeNotePublie"]["properties"]["uuid"].update(type="string", format="uuid")
    return spec


def openapi(api, server_url):
    """The API's document, served at ``server_url`` (the simulator's base + the API's path)."""
    spec = document(api)
    spec["servers"] = [{"url": server_url}]
    return OpenAPI.from_dict(spec)
