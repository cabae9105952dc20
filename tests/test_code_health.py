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
    found = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            found += [f"{path.relative_to(APP.parent)}: {n}" for n in names if n.split(".")[0] in TOOLS]
    assert found == []
