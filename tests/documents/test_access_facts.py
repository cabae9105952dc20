"""The access table (tests/documents/access.py) names the demo's first programme by id."""
from tests.documents.access import L1MATH
from tests.documents.conftest import programme_id


def test_the_access_table_programme_is_l1math(app):
    with app.app_context():
        assert programme_id("L1MATH") == L1MATH
