"""ConPeRe: the contrat pédagogique pour la réussite étudiante.

``create_app`` only wires: configuration, extensions, Flask-AppBuilder (given the project's security
manager, home page and base template), then each domain package, imported by name, registers its
views and commands through its own ``init_app``.
"""
import os

from flask import Flask


def create_app(config_object=None, overrides=None):
    # Imported here, not above: the domain packages import ``app`` itself.
    from flask_appbuilder import AppBuilder

    from app import (api, catalog, cli, contracts, database, documents, errors, jobs, notify, people, privacy,
                     reports, security, sis, templating, transfer, ui)
    from app.extensions import csrf, db, migrate
    from app.home import HomeView
    from config import INSTANCE_DIR, check_production, config_from_env

    app = Flask(__name__, instance_path=INSTANCE_DIR)
    app.config.from_object(config_object or config_from_env())
    app.config.update(overrides or {})
    check_production(app.config)
    errors.install_converters(app)  # before any route: ids in addresses are range-checked
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    database.init_app(app)
    csrf.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    # Roles live in code (app/roles.py): the security manager hands them to FAB (create_builtin_roles).
    appbuilder = AppBuilder(security_manager_class=security.SecurityManager, indexview=HomeView,
                            base_template="conpere/base.html", update_perms=False)
    with app.app_context():
        appbuilder.init_app(app, db.session)
        # reports first: its dashboard heads the Contracts menu.
        for package in (reports, contracts, catalog, people, api, security, sis, documents, notify, jobs, privacy,
                        transfer):
            package.init_app(app, appbuilder)
        ui.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
