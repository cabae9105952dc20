"""Imports every package's ``models`` module, so the metadata (and Alembic) sees every table.

Each is named here (tests/test_code_health.py fails when one is left out).
"""


def import_all_models():
    """Every package's models module (importing one registers its tables)."""
    from app.api import models as api
    from app.catalog import models as catalog
    from app.contracts import models as contracts
    from app.documents import models as documents
    from app.jobs import models as jobs
    from app.notify import models as notify
    from app.people import models as people
    from app.privacy import models as privacy
    from app.security import models as security
    from app.sis import models as sis

    return api, catalog, contracts, documents, jobs, notify, people, privacy, security, sis
