"""ConPeRe: the contrat pédagogique pour la réussite étudiante.

``create_app`` only wires: configuration, extensions, Flask-AppBuilder, then each domain package
registers its views and commands through its own ``init_app``.
"""
import importlib
import os

from flask import Flask

# reports first: its dashboard heads the Contracts menu.
DOMAIN_PACKAGES = ("reports", "contracts", "catalog", "people", "api", "security", "sis", "documents", "notify", "jobs",
                   "privacy", "transfer")


def create_app(config_object=None, overrides=None):
    from flask_appbuilder import AppBuilder

    from app import cli, errors, templating, ui
    from app.extensions import csrf, db, migrate
    from config import INSTANCE_DIR, check_production, config_from_env

    app = Flask(__name__, instance_path=INSTANCE_DIR)
    app.config.from_object(config_object or config_from_env())
    app.config.update(overrides or {})
    check_production(app.config)
    errors.install_converters(app)  # before any route: ids in addresses are range-checked
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    csrf.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    appbuilder = AppBuilder(update_perms=False)
    with app.app_context():
        appbuilder.init_app(app, db.session)
        for name in DOMAIN_PACKAGES:
            importlib.import_module(f"app.{name}").init_app(app, appbuilder)
        ui.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
