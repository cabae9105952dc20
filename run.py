"""Entry point: ``python run.py`` serves the application, ``flask --app run <command>`` runs the CLI.

The simulators' commands (``apogee-simulator``) are added here, beside the application's: they are
tools, and ``app/`` never imports them.
"""
import os

from app import create_app
from simulators.cli import init_app as add_simulator_commands

app = create_app()
add_simulator_commands(app)

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")))
