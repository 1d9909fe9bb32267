"""The fetch step: Apache Kafka's broker jars from Maven Central, once per version.

    ./run -m messaging.broker.fetch          # into the cache folder; a second run is free

Maven resolves ``org.apache.kafka:kafka_2.13`` with its runtime dependencies (and a log4j
binding, so the broker's own log has somewhere to go) and copies the jars into
``<cache>/kafka_2.13-<version>/libs``. Maven keeps its downloads in ``~/.m2`` too, so
even a fresh cache folder costs no network after the first time.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from messaging.broker.kafka_dist import COMPLETE, KAFKA_VERSION, SCALA_VERSION, cached_libs

# kafka_2.13 logs through slf4j 1.7; without a binding its log goes nowhere.
LOG_BINDING = ("org.apache.logging.log4j", "log4j-slf4j-impl", "2.25.5")

POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.kafka-p2p-demo</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
</project>
"""


def pom(version: str = KAFKA_VERSION) -> str:
    """A project whose only purpose is to name the broker's jars for Maven."""
    wanted = [("org.apache.kafka", f"kafka_{SCALA_VERSION}", version), LOG_BINDING]
    deps = "\n".join(
        f"    <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId>"
        f"<version>{v}</version></dependency>"
        for g, a, v in wanted
    )
    return POM.format(version=version, dependencies=deps)


def fetch(version: str = KAFKA_VERSION, mvn: str = "mvn") -> tuple[Path, bool]:
    """The libs folder of ``version``, filled by Maven unless it is already complete;
    returns (folder, whether Maven ran). Raises RuntimeError with Maven's last lines."""
    libs = cached_libs(version)
    if (libs / COMPLETE).is_file():
        return libs, False
    if shutil.which(mvn) is None:
        raise RuntimeError(f"{mvn} not found: install Maven (Debian/Ubuntu: apt install maven)")
    libs.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=libs.parent, prefix=".fetch-") as work:
        (Path(work) / "pom.xml").write_text(pom(version))
        out = Path(work) / "libs"
        cmd = [mvn, "-B", "-q", "-f", str(Path(work) / "pom.xml")]
        cmd += ["dependency:copy-dependencies", f"-DoutputDirectory={out}"]
        cmd += ["-DincludeScope=runtime"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not any(out.glob("*.jar")):
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise RuntimeError(f"Maven could not fetch Apache Kafka {version}:\n{tail}")
        (out / COMPLETE).write_text("\n".join(sorted(p.name for p in out.glob("*.jar"))) + "\n")
        shutil.rmtree(libs, ignore_errors=True)  # a half-filled folder of an interrupted run
        out.replace(libs)
    return libs, True


def main(argv: list[str] | None = None) -> int:
    # No flags: the version is the pinned one (kafka_dist.KAFKA_VERSION), the only one used.
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(argv)
    try:
        libs, ran = fetch()
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    jars = len(list(libs.glob("*.jar")))
    print(f"Apache Kafka {KAFKA_VERSION}: {jars} jars in {libs}" + ("" if ran else " (cached)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
