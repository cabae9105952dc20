"""Imports every package's ``models`` module, so the metadata (and Alembic) sees every table.

Each is named here (tests/test_code_health.py fails when one is left out).
"""


def import_all_models():
    import app.api.models  # noqa: F401
    import app.catalog.models  # noqa: F401
    import app.contracts.models  # noqa: F401
    import app.documents.models  # noqa: F401
    import app.jobs.models  # noqa: F401
    import app.notify.models  # noqa: F401
    import app.people.models  # noqa: F401
    import app.privacy.models  # noqa: F401
    import app.security.models  # noqa: F401
    import app.sis.models  # noqa: F401
