"""``flask --app run pegase-simulator``: serve a simulated Pégase (added to the CLI by ``run.py``
through ``simulators.cli``; the application never imports the simulators)."""
import click


@click.command("pegase-simulator")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8090, show_default=True, type=int)
@click.option("--students", default=1000, show_default=True, type=int, help="Size of the generated university.")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--year", type=int, help="Academic year of the data; the current one by default.")
@click.option("--demo", is_flag=True, help="Serve the demo university of seeds/demo.py instead.")
@click.option("--user", default="svc-api", show_default=True, help="The service account CAS accepts…")
@click.option("--password", default="secret", show_default=True, help="…and its password.")
@click.option("--token-seconds", default=3600, show_default=True, type=int, help="Lifetime of the JWTs issued.")
@click.option("--latency", default=0.0, type=float, help="Seconds added to every API call.")
@click.option("--error-rate", default=0.0, type=float, help="Share of calls answering HTTP 503.")
@click.option("--timeout-rate", default=0.0, type=float, help="Share of calls that hang (see --hang).")
@click.option("--hang", default=30.0, type=float, help="Seconds a hanging call waits before answering.")
def pegase_simulator_command(host, port, students, seed, year, demo, user, password, token_seconds, latency,
                             error_rate, timeout_rate, hang):
    """Serve a simulated Pégase (CAS tickets, INS, CHC, COC and IDT over HTTP) for tests, the demo
    and benchmarks."""
    from simulators.apogee import demo_dataset, generate
    from simulators import serving
    from simulators.pegase import Behaviour, PegaseSimulator, demo_extras

    serving.check_options(students, error_rate=error_rate, timeout_rate=timeout_rate)
    if token_seconds < 1:
        raise click.ClickException("--token-seconds must be 1 or more.")
    serving.check_free(host, port)
    dataset = demo_dataset(year) if demo else generate(students, seed=seed, year=year)
    extras = demo_extras(dataset.all_numbers()) if demo else {}
    behaviour = Behaviour(latency=latency, error_rate=error_rate, timeout_rate=timeout_rate, hang_seconds=hang,
                          seed=seed)
    simulator = PegaseSimulator(dataset, user=user, password=password, behaviour=behaviour,
                                token_seconds=token_seconds, extras=extras, draw_extras=not demo)
    server = simulator.serve(host, port)
    base = f"http://{host}:{server.port}"
    what = "the demo university" if demo else f"{students} students (seed {seed})"
    serving.serve_until_interrupted(server, f"Pégase simulator: {what}, year {dataset.year}, at {base} "
                                            f"(CAS: {base}/cas/v1/tickets)")
