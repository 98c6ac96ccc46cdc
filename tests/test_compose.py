"""docker-compose.yml and the Dockerfile agree with the CLI, the settings and each other.

Docker is not needed: the files are parsed. `docker compose config` runs too where the
compose plugin is installed.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from pipeline.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Services running the Newsmill image (built from ./Dockerfile).
NEWSMILL_SERVICES = {name: s for name, s in SERVICES.items() if s.get("build")}
# Environment variables pipeline/settings.py reads.
SETTINGS_ENV = set(
    re.findall(
        r"os\.environ\.get\(\s*\"([A-Z_]+)\"",
        (ROOT / "pipeline" / "settings.py").read_text(encoding="utf-8"),
    )
)


def _commands(service: dict[str, Any], command: list[str] | None = None) -> list[list[str]]:
    """The commands a service runs, in order: `sh -c 'a && exec b "$@"' arg0` -> [a, b + command].

    ``command`` replaces the service's own (as `docker compose run SERVICE ARGS` does).
    """
    entry = service.get("entrypoint")
    args = service.get("command", []) if command is None else command
    if entry is None:
        return []
    if entry[:2] != ["sh", "-c"]:
        return [entry + args]
    # Compose turns $$ into $ before the shell sees it.
    script = entry[2].replace("$$", "$")
    commands = []
    for part in script.split("&&"):
        words = [w for w in shlex.split(part.strip().removeprefix("exec ")) if w[0] not in "<>"]
        commands.append([w for word in words for w in (args if word == "$@" else [word])])
    return commands


def _newsmill_args(command: list[str]) -> list[str]:
    return command[command.index("newsmill") + 1 :] if "newsmill" in command else []


def test_the_services_and_profiles_are_there() -> None:
    assert {"postgres", "scheduler", "redis", "scrapyd"} <= set(SERVICES)
    assert "profiles" not in SERVICES["postgres"] and "profiles" not in SERVICES["scheduler"]
    assert SERVICES["redis"]["profiles"] == SERVICES["scrapyd"]["profiles"] == ["scale"]
    postgres = SERVICES["postgres"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in COMPOSE["volumes"]  # a named volume, not a bind mount
    for name, service in NEWSMILL_SERVICES.items():
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy", name


def test_every_newsmill_command_is_one_the_cli_accepts() -> None:
    parser = build_parser()
    scheduler = [_newsmill_args(c) for c in _commands(SERVICES["scheduler"])]
    assert scheduler == [["db", "upgrade"], ["schedule"]]
    assert _commands(SERVICES["scrapyd"])[-1] == ["scrapyd"]
    for name, service in NEWSMILL_SERVICES.items():
        for command in _commands(service):
            if "newsmill" in command:
                args = parser.parse_args(_newsmill_args(command))  # exits on an unknown one
                assert args.func, (name, command)
    # The one-off runs the file's header shows: newsmill runs them after `db upgrade`.
    header = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    one_offs = re.findall(r"^#\s+docker compose run --rm .*?scheduler (.+)", header, re.M)
    assert len(one_offs) == 2
    for line in one_offs:
        args = shlex.split(line.partition(">")[0])  # the host shell's redirection is not an arg
        upgrade, command = _commands(SERVICES["scheduler"], args)
        assert upgrade == ["newsmill", "db", "upgrade"]
        assert parser.parse_args(_newsmill_args(command)).func


def test_environment_matches_settings_and_services() -> None:
    postgres = SERVICES["postgres"]["environment"]
    for name, service in NEWSMILL_SERVICES.items():
        env = service["environment"]
        for key in env:
            assert key in SETTINGS_ENV or (name == "scrapyd" and key.startswith("SCRAPYD_")), (
                f"{name}: {key} is not read by pipeline/settings.py"
            )
        db = urlsplit(env["DATABASE_URL"])
        assert db.hostname in SERVICES and db.hostname == "postgres"
        assert (db.username, db.password, db.path.lstrip("/")) == (
            postgres["POSTGRES_USER"],
            postgres["POSTGRES_PASSWORD"],
            postgres["POSTGRES_DB"],
        )
        mounts = {v.split(":")[1]: v.split(":")[0] for v in service["volumes"]}
        # Sources are the host's ./sources, where settings look for them.
        assert mounts[env["NEWSMILL_SOURCES_DIR"]] == "./sources"
        assert (ROOT / "sources").is_dir()
        # NEWSMILL_HOME (the spool) is a named volume, so spooled articles survive a restart.
        assert mounts[env["NEWSMILL_HOME"]] in COMPOSE["volumes"]
        assert env["NEWSMILL_HOME"] in DOCKERFILE  # created (and owned) by the image's user
    redis = urlsplit(SERVICES["scrapyd"]["environment"]["NEWSMILL_REDIS_URL"])
    assert redis.hostname == "redis" and redis.port == 6379
    assert SERVICES["scrapyd"]["depends_on"]["redis"]


def test_the_dockerfile_installs_the_project_as_a_non_root_user() -> None:
    base = re.search(r"^FROM python:(\d+)\.(\d+)-slim", DOCKERFILE, re.M)
    assert base, "a slim Python base"
    needed = re.search(r">=\s*(\d+)\.(\d+)", PYPROJECT["project"]["requires-python"])
    assert needed and tuple(map(int, base.groups())) >= tuple(map(int, needed.groups()))
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r'^ENTRYPOINT \["newsmill"\]', DOCKERFILE, re.M)
    assert "newsmill" in PYPROJECT["project"]["scripts"]
    copied = {part for line in re.findall(r"^COPY (.+)", DOCKERFILE, re.M) for part in line.split()}
    # What `pip install .` needs (the readme too: setuptools reads it), and scrapy.cfg for
    # `scrapy crawl` and Scrapyd in the working directory.
    packages = {
        p.rstrip("*") for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    assert {"pyproject.toml", PYPROJECT["project"]["readme"], "scrapy.cfg"} <= copied
    assert all(p in copied for p in packages), packages
    assert (ROOT / "scrapy.cfg").is_file()


@pytest.mark.skipif(shutil.which("docker") is None, reason="docker is not installed")
def test_docker_compose_config_accepts_the_file() -> None:
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("the docker compose plugin is not installed")
    result = subprocess.run(
        ["docker", "compose", "--profile", "scale", "config", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
