"""The house's layering: models -> domain -> interfaces (web, api, jobs, cli, demo), with the
outbound adapters (mail, chat robots) beside the domain. Domain and models never import
flask; interfaces never touch the models; the domain is grouped by area; rooms stay small.
See docs/architecture.md."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "learnclub"
FORBIDDEN_IN_CORE = ("flask", "flask_login", "flask_wtf", "flask_babel", "werkzeug",
                     "learnclub.web", "learnclub.api", "learnclub.jobs", "learnclub.cli",
                     "learnclub.demo")
#: what calls the domain and may not query the models itself
INTERFACES = sorted([*(PACKAGE / "web").rglob("*.py"), *(PACKAGE / "api").rglob("*.py"),
                     *(PACKAGE / "demo").rglob("*.py"), *(PACKAGE / "outbound").rglob("*.py"),
                     PACKAGE / "jobs.py", PACKAGE / "cli.py"])
#: modules at the top of domain/ that every area shares; all else lives in an area package
SHARED_DOMAIN_MODULES = {"errors.py", "text.py", "rendering.py", "files.py"}
AREAS = {"accounts", "cohorts", "cases", "homework", "participation", "sharing", "reach",
         "search"}


def _imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _name(path):
    return str(path.relative_to(PACKAGE))


def test_domain_and_models_import_no_web_framework():
    offenders = []
    for folder in ("domain", "models", "outbound"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            offenders += [(_name(path), name) for name in _imports(path)
                          if name.split(".")[0] in FORBIDDEN_IN_CORE
                          or name.startswith(FORBIDDEN_IN_CORE)]
    assert offenders == []


def test_models_do_not_import_domain():
    offenders = [(_name(p), n) for p in sorted((PACKAGE / "models").rglob("*.py"))
                 for n in _imports(p) if n.startswith("learnclub.domain")]
    assert offenders == []


def test_outbound_adapters_know_no_domain():
    offenders = [(_name(p), n) for p in sorted((PACKAGE / "outbound").rglob("*.py"))
                 for n in _imports(p) if n.startswith(("learnclub.domain", "learnclub.models"))]
    assert offenders == []


@pytest.mark.parametrize("path", INTERFACES, ids=_name)
def test_interface_asks_the_domain_not_the_models(path):
    assert [n for n in _imports(path) if n.startswith("learnclub.models")] == []


def test_templates_write_no_queries():
    offenders = [str(p.relative_to(PACKAGE)) for p in (PACKAGE / "web/templates").rglob("*.html")
                 if any(word in p.read_text() for word in (".select(", ".where(", "publish_at <="))]
    assert offenders == []


def test_domain_is_grouped_by_area():
    domain = PACKAGE / "domain"
    loose = sorted(p.name for p in domain.glob("*.py")
                   if p.name != "__init__.py" and p.name not in SHARED_DOMAIN_MODULES)
    areas = {p.name for p in domain.iterdir() if (p / "__init__.py").is_file()}
    assert (loose, areas) == ([], AREAS)


def test_only_clock_asks_the_time():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "clock.py":
            continue
        text = path.read_text()
        for needle in ("datetime.now(", "datetime.utcnow(", "time.time("):
            if needle in text:
                offenders.append((_name(path), needle))
    assert offenders == []


def test_only_tests_move_the_clock():
    offenders = [_name(p) for p in PACKAGE.rglob("*.py")
                 if p.name != "clock.py" and ("travel_to" in p.read_text()
                                              or "_travel" in p.read_text())]
    assert offenders == []


def test_modules_stay_small():
    big = [(_name(p), n) for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text().splitlines())) > 300]
    assert big == []


def test_functions_stay_short():
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body = node.end_lineno - node.body[0].lineno + 1
                if body > 40:
                    long.append((_name(path), node.name, body))
    assert long == []
