"""Extension singletons shared by the whole application (stateless until an app is created).

The AppBuilder itself is built inside ``create_app``: a module-level one would serve a single app.
"""
from flask_appbuilder import Model
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate

# Same metadata as FAB's Model, so Alembic and FAB see every table.
db = get_sqla_class()(metadata=Model.metadata)
migrate = Migrate()

from flask_wtf.csrf import CSRFProtect  # noqa: E402

# Every POST carries a CSRF token (FAB's API blueprints exempt themselves when added).
csrf = CSRFProtect()
