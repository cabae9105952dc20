"""Moving in and moving configuration: the settings file (export/import) and the import of past contracts.

- ``settings_file`` (with ``sections``, ``assignments``): the configuration as one JSON file;
- ``contract_import`` (with ``template``): past contracts from an Excel file, checked whole;
- ``fields``: the checks both share; ``cli`` and ``views``: the commands and the referent's page.
"""


def init_app(app, appbuilder):
    from app.transfer import cli, views

    views.register(appbuilder)
    cli.init_app(app)
