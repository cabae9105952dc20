"""Where Pégase's APIs and its CAS are, and how to reach them (``PEGASE_*`` settings).

Each API has its own address on a real Pégase (``https://ins.<instance>.pc-scol.fr/api/ins/ext/v2``…):
``PEGASE_<API>_URL``; ``PEGASE_BASE_URL`` serves them all under their standard paths (the
simulator, an API gateway). The service account's JWT comes from ``PEGASE_AUTH_URL``, Pégase's CAS
REST ticket endpoint (``https://authn-app.<instance>.pc-scol.fr/cas/v1/tickets``).
"""
from dataclasses import dataclass, field

from app.sis.interface import SisNotConfigured

# The standard path of each API on its host (PC-SCOL's OpenAPI files, "servers").
PATHS = {"ins": "/api/ins/ext/v2", "chc": "/api/ext/chc/v1", "coc": "/api/coc/publication/v2", "idt": "/api/idt/ext/v1"}
NAMES = {"ins": "Inscription", "chc": "Choix du cursus", "coc": "Contrôle du cursus", "idt": "Identité"}


@dataclass
class PegaseSettings:
    base_url: str = ""
    api_urls: dict = field(default_factory=dict)  # "ins" -> URL, when given one by one
    auth_url: str = ""
    user: str = ""
    password: str = ""
    structure: str = "ETAB00"  # the institution's code (codeStructure)
    period_code: str = "PER-{year}"  # the code of a year's period of implementation
    programme_version: str = "PEG"  # the second part of ConPeRe's programme keys (Pégase has no versions)
    verify: object = True  # True, False or a CA bundle path
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retries: int = 2  # transport errors (network, timeouts) only
    backoff: float = 0.5
    concurrency: int = 8
    page_size: int = 500  # the flux of registrations: at most 500 a page
    token_margin: float = 300.0  # renew the JWT this many seconds before it expires
    token_seconds: float = 3600.0  # its lifetime when the JWT does not say (no "exp")
    listing_seconds: float = 60.0  # how long a year's flux of registrations is reused

    @classmethod
    def from_config(cls, config, **overrides):
        """The settings from the app's ``PEGASE_*`` configuration; unset or empty keeps the default."""
        values = {name: convert(config[key]) for key, (name, convert) in _FROM_CONFIG.items()
                  if config.get(key) not in (None, "")}
        values["api_urls"] = {api: config[f"PEGASE_{api.upper()}_URL"] for api in PATHS
                              if config.get(f"PEGASE_{api.upper()}_URL")}
        values["verify"] = config.get("PEGASE_CA_BUNDLE") or config["PEGASE_VERIFY_TLS"]
        values.update(overrides)
        return cls(**values)

    def url(self, api):
        """The base URL of one API (no trailing slash)."""
        if self.api_urls.get(api):
            return self.api_urls[api].rstrip("/")
        if not self.base_url:
            raise SisNotConfigured(
                f"Pégase is not configured: set PEGASE_{api.upper()}_URL (e.g. https://{api}.<instance>.pc-scol.fr"
                f"{PATHS[api]}) or PEGASE_BASE_URL", code="not-configured", operation=api,
            )
        return self.base_url.rstrip("/") + PATHS[api]

    def token_url(self):
        if self.auth_url:
            return self.auth_url
        if not self.base_url:
            raise SisNotConfigured(
                "Pégase is not configured: set PEGASE_AUTH_URL (https://authn-app.<instance>.pc-scol.fr/cas/v1/tickets)",
                code="not-configured", operation="cas",
            )
        return self.base_url.rstrip("/") + "/cas/v1/tickets"

    def period(self, year):
        return self.period_code.format(year=year)


# PEGASE_<NAME> -> (field, conversion of the configured value)
_FROM_CONFIG = {
    "PEGASE_BASE_URL": ("base_url", str),
    "PEGASE_AUTH_URL": ("auth_url", str),
    "PEGASE_USER": ("user", str),
    "PEGASE_PASSWORD": ("password", str),
    "PEGASE_STRUCTURE": ("structure", str),
    "PEGASE_PERIOD_CODE": ("period_code", str),
    "PEGASE_PROGRAMME_VERSION": ("programme_version", str),
    "PEGASE_CONNECT_TIMEOUT": ("connect_timeout", float),
    "PEGASE_READ_TIMEOUT": ("read_timeout", float),
    "PEGASE_RETRIES": ("retries", lambda value: max(0, int(value))),
    "PEGASE_BACKOFF": ("backoff", float),
    "PEGASE_CONCURRENCY": ("concurrency", lambda value: max(1, int(value))),
    "PEGASE_PAGE_SIZE": ("page_size", lambda value: min(500, max(1, int(value)))),
    "PEGASE_TOKEN_MARGIN": ("token_margin", float),
    "PEGASE_LISTING_SECONDS": ("listing_seconds", float),
}
