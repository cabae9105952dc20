"""Code a reader holds in their head: no block of app/ worse than radon's C, and app/ never imports the
tools around it (tests, benchmarks, simulators)."""
import ast
import pathlib

from radon.complexity import cc_rank, cc_visit

APP = pathlib.Path(__file__).resolve().parent.parent / "app"
TOOLS = ("tests", "bench", "simulators")


def python_files():
    return sorted(APP.rglob("*.py"))


def test_no_block_of_the_application_is_worse_than_c():
    worse = [f"{path.relative_to(APP.parent)}:{block.lineno} {block.name} {cc_rank(block.complexity)}"
             f" ({block.complexity})"
             for path in python_files() for block in cc_visit(path.read_text())
             if cc_rank(block.complexity) > "C"]
    assert worse == []


def test_the_application_imports_none_of_the_tools_around_it():
    found = [f"{path.relative_to(APP.parent)}: {name}" for path in python_files()
             for name in imported_modules(path) if name.split(".")[0] in TOOLS]
    assert found == []


def imported_modules(path):
    """The absolute module names ``path`` imports (``from a.b import c`` counts as ``a.b`` and ``a.b.c``:
    c may be a module)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names.add(node.module or "")
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def package_modules(filename):
    return {f"app.{path.parent.name}.{path.stem}" for path in APP.glob(f"*/{filename}")}


def test_every_package_s_permissions_and_models_are_imported_by_name():
    # No discovery by strings: a package's roles and tables are wired where a reader (and a linter) sees them.
    assert package_modules("permissions.py") <= imported_modules(APP / "roles.py")
    assert package_modules("models.py") <= imported_modules(APP / "models.py")


def test_the_factory_wires_every_domain_package_by_name():
    packages = {f"app.{path.parent.name}" for path in APP.glob("*/__init__.py")}
    factory = {f"app.{name.name}" for node in ast.walk(ast.parse((APP / "__init__.py").read_text()))
               if isinstance(node, ast.ImportFrom) and node.module == "app" for name in node.names}
    assert packages <= factory


def test_the_configuration_imports_nothing_of_the_application():
    # Settings are plain values read before the application exists; the factory hands FAB its classes.
    assert [name for name in imported_modules(APP.parent / "config.py") if name.split(".")[0] == "app"] == []


def test_settings_defaults_are_written_only_in_config_py():
    # config.get("X", default) elsewhere is a second default that drifts from config.py's: read config["X"].
    found = [f"{path.relative_to(APP.parent)}:{node.lineno} {ast.unparse(node)}" for path in python_files()
             for node in ast.walk(ast.parse(path.read_text())) if is_setting_read_with_default(node)]
    assert found == []


def is_setting_read_with_default(node):
    """``config.get("NAME", default)``, ``app.config.get(…)``, ``os.environ.get(…)``: a setting and a default."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"):
        return False
    receiver = ast.unparse(node.func.value)
    name = node.args[0] if node.args else None
    return (receiver.endswith(("config", "environ")) and len(node.args) + len(node.keywords) >= 2
            and isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value.isupper())


def test_packages_import_each_other_in_one_direction():
    assert cycles(package_imports()) == []


def package_imports():
    """Which parts of app/ import which at module level (what runs at import; imports inside functions
    are late bindings). A part is a package (app.contracts), a top-level module (app.policy), or a
    package's models module: the tables are one schema that every package may reference."""
    graph = {}
    for path in python_files():
        source = part_of(module_name(path))
        for name in module_level_imports(path):
            target = part_of(name)
            if target and target.split(".")[:2] != source.split(".")[:2]:
                graph.setdefault(source, set()).add(target)
    return graph


def module_name(path):
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module):
    parts = module.split(".")
    if parts[0] != "app":
        return None
    if len(parts) > 2 and parts[2] == "models":
        return ".".join(parts[:3])
    if len(parts) > 1 and not (APP / parts[1]).is_dir() and not (APP / f"{parts[1]}.py").exists():
        return "app"  # a name of the factory's module, app/__init__.py
    return ".".join(parts[:2])


def module_level_imports(path):
    """Absolute names imported outside functions (``from app import policy`` is ``app.policy``)."""
    stack, names = list(ast.parse(path.read_text()).body), set()
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(imported_names(node, path))
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))
    return names


def imported_names(node, path):
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative to the importing module's package
        package = module_name(path).split(".")
        if path.name != "__init__.py":
            package = package[:-1]
        base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
    return [f"{base}.{alias.name}" for alias in node.names]


def cycles(graph):
    """The cycles of the graph, one path each (depth-first search)."""
    found, done, path = [], set(), []

    def visit(node):
        if node in path:
            found.append(" -> ".join(path[path.index(node):] + [node]))
            return
        if node in done:
            return
        path.append(node)
        for target in sorted(graph.get(node, ())):
            visit(target)
        path.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)
    return found
