"""Directory and access: login (database or LDAP through ldap3), roles from directory groups,
students linked by their number, « se connecter en tant que », hardened login.

- ``manager``: the project's one SecurityManager subclass (``app.security.SecurityManager``);
- ``directory``: the ldap3 client; ``provisioning``: account, roles and their origin, student link;
- ``impersonation``: rules, start/stop, audit; ``impersonation_views``: its pages;
- ``views``: login/logout and FAB's trimmed user pages; ``api``: the API login; ``throttle``: rate limit.
"""
from app.security.impersonation import IMPERSONATOR_KEY, current_impersonator  # noqa: F401
from app.security.manager import SecurityManager  # noqa: F401


def init_app(app, appbuilder):
    from app.security import headers, impersonation
    from app.security.impersonation_views import register

    headers.init_app(app)
    register(appbuilder)
    # After FAB's own before_request, which sets g.user.
    app.before_request(impersonation.audit_request)
