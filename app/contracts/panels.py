"""Extension points of the contract pages: other packages add panels and links without editing them.

A panel is a callable ``(contract, user) -> markup or None`` rendered on the contract's page (staff
detail and the student's view); a link is a callable ``(contract, user) -> (label, url) or None``.
Each must ask ``app.policy`` before showing anything.
"""
_panels = []
_links = []
_list_links = []


def register_panel(render):
    if render not in _panels:
        _panels.append(render)
    return render


def register_link(build):
    if build not in _links:
        _links.append(build)
    return build


def register_list_link(build):
    """A link above the staff list, built from ``(user, search)``: exports of what the filters select."""
    if build not in _list_links:
        _list_links.append(build)
    return build


def list_links_for(user, search):
    return [link for link in (build(user, search) for build in _list_links) if link]


def panels_for(contract, user):
    return [markup for markup in (render(contract, user) for render in _panels) if markup]


def links_for(contract, user):
    return [link for link in (build(contract, user) for build in _links) if link]
