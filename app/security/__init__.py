"""Directory and access: login (database or LDAP through ldap3), roles from directory groups,
students linked by their number, « se connecter en tant que », hardened login.

- ``manager``: the project's one SecurityManager subclass (``app.security.SecurityManager``);
- ``directory``: the ldap3 client; ``provisioning``: account, roles and their origin, student link;
- ``impersonation``: rules, start/stop, audit; ``impersonation_views``: its pages;
- ``views``: login/logout and FAB's trimmed user pages; ``api``: the API login; ``throttle``: rate limit.
"""
from app.security.impersonation import IMPERSONATOR_KEY, current_impersonator
from app.security.manager import SecurityManager
# Defined before FAB builds its limiter: RATELIMIT_STORAGE_URI=database:// names this storage.
from app.security.ratelimit_storage import DatabaseStorage

__all__ = ["IMPERSONATOR_KEY", "DatabaseStorage", "SecurityManager", "current_impersonator", "init_app"]


def init_app(app, appbuilder):
    from werkzeug.middleware.proxy_fix import ProxyFix

    from app.jobs.registry import register_job
    from app.security import headers, impersonation, passwords, purge
    from app.security.impersonation_views import register
    from app.ui import urls

    hops = app.config.get("TRUSTED_PROXIES") or 0
    if hops:  # the client's address and scheme as the trusted proxies saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    headers.init_app(app)
    passwords.init_app(app)
    urls.init_app(app)
    if appbuilder.sm.cas is not None:
        from app.extensions import csrf
        from app.security.cas_views import register as register_cas

        register_cas(appbuilder, csrf)
    register(appbuilder)
    register_job("security-purge", purge.purge_job, cron_setting="SECURITY_PURGE_CRON",
                 description="Delete sessions ended long ago and spent login counters")
    # After FAB's own before_request, which sets g.user.
    app.before_request(impersonation.audit_request)
