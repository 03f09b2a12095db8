"""The house's layering: models -> domain -> interfaces. Domain and models never import flask."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "learnclub"
FORBIDDEN_IN_CORE = ("flask", "flask_login", "flask_wtf", "flask_babel", "werkzeug",
                     "learnclub.web", "learnclub.jobs", "learnclub.cli")


def _imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_domain_and_models_import_no_web_framework():
    offenders = []
    for folder in ("domain", "models"):
        for path in sorted((PACKAGE / folder).glob("*.py")):
            offenders += [(path.name, name) for name in _imports(path)
                          if name.split(".")[0] in FORBIDDEN_IN_CORE
                          or name.startswith(FORBIDDEN_IN_CORE)]
    assert offenders == []


def test_models_do_not_import_domain():
    offenders = [(p.name, n) for p in sorted((PACKAGE / "models").glob("*.py"))
                 for n in _imports(p) if n.startswith("learnclub.domain")]
    assert offenders == []


def test_only_clock_asks_the_time():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "clock.py":
            continue
        text = path.read_text()
        for needle in ("datetime.now(", "datetime.utcnow(", "time.time("):
            if needle in text:
                offenders.append((str(path.relative_to(PACKAGE)), needle))
    assert offenders == []


def test_modules_stay_small():
    big = [(str(p.relative_to(PACKAGE)), n) for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text().splitlines())) > 400]
    assert big == []
