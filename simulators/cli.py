"""``flask --app run apogee-simulator``: serve a simulated Apogée. Added to the CLI by ``run.py``;
the application itself never imports the simulators."""
import click

from simulators import serving


@click.command("apogee-simulator")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8089, show_default=True, type=int)
@click.option("--students", default=1000, show_default=True, type=int, help="Size of the generated university.")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--year", type=int, help="Academic year of the data; the current one by default.")
@click.option("--demo", is_flag=True, help="Serve the demo university of seeds/demo.py instead.")
@click.option("--user", default="", help="Require HTTP Basic auth with this user…")
@click.option("--password", default="", help="…and this password.")
@click.option("--latency", default=0.0, type=float, help="Seconds added to every SOAP call.")
@click.option("--fault-rate", default=0.0, type=float, help="Share of calls answering technical.data.transaction.connexion.")
@click.option("--timeout-rate", default=0.0, type=float, help="Share of calls that hang (see --hang).")
@click.option("--hang", default=30.0, type=float, help="Seconds a hanging call waits before answering.")
@click.option("--write-wsdl", "wsdl_dir", type=click.Path(file_okay=False),
              help="Also write the WSDL files into this folder under AMUE's names (for APOGEE_WSDL_DIR).")
def simulator_command(host, port, students, seed, year, demo, user, password, latency, fault_rate, timeout_rate,
                      hang, wsdl_dir):
    """Serve a simulated Apogée (SOAP over HTTP) for tests, the demo and benchmarks."""
    from simulators.apogee import Behaviour, Simulator, demo_dataset, generate

    serving.check_options(students, fault_rate=fault_rate, timeout_rate=timeout_rate)
    serving.check_free(host, port)
    dataset = demo_dataset(year) if demo else generate(students, seed=seed, year=year)
    behaviour = Behaviour(latency=latency, fault_rate=fault_rate, timeout_rate=timeout_rate, hang_seconds=hang, seed=seed)
    simulator = Simulator(dataset, user=user or None, password=password, behaviour=behaviour)
    server = simulator.serve(host, port)
    base = f"http://{host}:{server.port}/services/"
    if wsdl_dir:
        _write_wsdl(wsdl_dir, base, server)
    what = "the demo university" if demo else f"{students} students (seed {seed})"
    serving.serve_until_interrupted(server, f"Apogée simulator: {what}, year {dataset.year}, at {base}")


def _write_wsdl(folder, base, server):
    from simulators.apogee.wsdl import write_folder

    try:
        write_folder(folder, base)
    except OSError as exc:
        server.server_close()
        raise click.ClickException(f"Cannot write the WSDL files into {folder}: {exc.strerror or exc}") from None
    click.echo(f"WSDL files written to {folder}")


def init_app(app):
    from simulators.pegase.cli import pegase_simulator_command

    app.cli.add_command(simulator_command)
    app.cli.add_command(pegase_simulator_command)
