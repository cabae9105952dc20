"""Imports every ``app.<package>.models`` module, so the metadata (and Alembic) sees every table."""
import importlib
import pkgutil


def import_all_models():
    import app as app_package

    for info in pkgutil.iter_modules(app_package.__path__):
        if info.ispkg:
            try:
                importlib.import_module(f"app.{info.name}.models")
            except ModuleNotFoundError as exc:
                if exc.name != f"app.{info.name}.models":
                    raise
