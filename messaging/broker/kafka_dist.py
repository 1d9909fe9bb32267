"""Where an embedded Apache Kafka comes from: a Java 17+ and the broker's jars.

The jars are either those the fetch step (``python -m messaging.broker.fetch``) assembled
from Maven Central into a cache folder, or the ``libs/`` of a Kafka distribution a user
downloaded from the Apache site (``--kafka-home DIR`` or ``KAFKA_HOME``). Every problem
is a :class:`BrokerSetupError` whose one line says what to do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from messaging.broker.common import BrokerSetupError

# The one pinned version: the fetch step, the cache folder and docker-compose.yml's image
# (a test compares them) all follow it. The newest 4.x that resolved on Maven Central.
KAFKA_VERSION = "4.4.0"
SCALA_VERSION = "2.13"
# Kafka 4.0 made Java 17 the floor for brokers (KIP-1013).
JAVA_MIN = 17
FETCH_HINT = "./run -m messaging.broker.fetch"  # said in every "no jars" line


@dataclass(frozen=True)
class Distribution:
    """The jars one broker runs from; ``source`` says where they were found."""

    libs: Path
    version: str
    source: str  # "cache" or "kafka_home"

    @property
    def classpath(self) -> str:
        return str(self.libs / "*")


def cache_root() -> Path:
    """Where the fetch step keeps jars: ``P2P_CACHE_DIR``, else the user's cache folder."""
    if os.environ.get("P2P_CACHE_DIR"):
        return Path(os.environ["P2P_CACHE_DIR"])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "kafka-p2p-demo"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kafka-p2p-demo"


def cached_libs(version: str = KAFKA_VERSION) -> Path:
    """The folder the fetch step fills for ``version``."""
    return cache_root() / f"kafka_{SCALA_VERSION}-{version}" / "libs"


COMPLETE = ".complete"  # written last by the fetch step: a half-copied folder is not used


def broker_jar_version(libs: Path) -> str | None:
    """The Kafka version of the broker jar in ``libs`` (``kafka_2.13-4.4.0.jar``), or None."""
    for jar in sorted(libs.glob("kafka_*.jar")):
        found = re.fullmatch(r"kafka_[0-9.]+-([0-9][^-]*)\.jar", jar.name)
        if found:
            return found.group(1)
    return None


def find_distribution(kafka_home: str | None = None) -> Distribution:
    """The jars to run: ``kafka_home`` (or ``KAFKA_HOME``) when given, else the cache."""
    home = kafka_home or os.environ.get("KAFKA_HOME")
    if home:
        libs = Path(home) / "libs"
        version = broker_jar_version(libs) if libs.is_dir() else None
        if version is None:
            raise BrokerSetupError(
                f"no Apache Kafka broker jars in {libs} (--kafka-home / KAFKA_HOME must be the "
                f"folder of an unpacked Kafka download, with libs/kafka_{SCALA_VERSION}-*.jar)"
            )
        return Distribution(libs, version, "kafka_home")
    libs = cached_libs()
    if not (libs / COMPLETE).is_file():
        raise BrokerSetupError(
            f"no Apache Kafka {KAFKA_VERSION} jars in {libs.parent}: fetch them once with "
            f"`{FETCH_HINT}` (needs Maven), or pass --kafka-home DIR of a Kafka download"
        )
    return Distribution(libs, KAFKA_VERSION, "cache")


def java_major(version_output: str) -> int | None:
    """The major version in what ``java -version`` printed (``1.8.0_412`` is 8), or None."""
    found = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def find_java() -> str:
    """The ``java`` to run: ``JAVA_HOME``'s, else the one on PATH; checked to be 17+."""
    java_home = os.environ.get("JAVA_HOME")
    exe = "java.exe" if sys.platform == "win32" else "java"
    java = str(Path(java_home) / "bin" / exe) if java_home else shutil.which("java")
    where = "JAVA_HOME" if java_home else "PATH"
    if not java or not Path(java).is_file():
        raise BrokerSetupError(
            f"no Java on {where}: Apache Kafka {KAFKA_VERSION} needs Java {JAVA_MIN} or newer "
            "(Debian/Ubuntu: sudo apt install openjdk-17-jre-headless)"
        )
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise BrokerSetupError(f"{java} does not run ({exc})") from exc
    major = java_major(out.stderr + out.stdout)
    if major is None or major < JAVA_MIN:
        raise BrokerSetupError(
            f"{java} is Java {major or 'of unknown version'}: Apache Kafka needs Java "
            f"{JAVA_MIN} or newer (set JAVA_HOME to one)"
        )
    return java


def setup_problem(kafka_home: str | None = None) -> str | None:
    """Why an embedded Apache Kafka cannot start here, in one line, or None."""
    try:
        find_java()
        find_distribution(kafka_home)
    except BrokerSetupError as exc:
        return str(exc)
    return None
