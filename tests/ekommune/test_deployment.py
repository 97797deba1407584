"""The container image and the compose stack: no secrets in the image, checks at start."""

import fnmatch
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent


def _ignore_rules() -> list[tuple[bool, str]]:
    rules = []
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        rules.append((negated, line.lstrip("!").strip("/")))
    return rules


def sent_to_docker(path: str) -> bool:
    """Docker's rule: the last matching line wins; a line matching a parent folder counts."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    included = True
    for negated, pattern in _ignore_rules():
        pattern = pattern.removeprefix("**/")
        if any(
            fnmatch.fnmatchcase(candidate, pattern) or fnmatch.fnmatchcase(parts[i], pattern)
            if "/" not in pattern
            else fnmatch.fnmatchcase(candidate, pattern)
            for i, candidate in enumerate(candidates)
        ):
            included = negated
    return included


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        ".env.production",
        "var/secret_key",
        "var/db.sqlite3",
        ".venv/bin/python",
        ".git/config",
        "benchmarks/results/run.json",
    ],
)
def test_secrets_and_local_data_stay_out_of_the_image(path):
    assert not sent_to_docker(path)


@pytest.mark.parametrize(
    "path", [".env.example", "manage.py", "surveys/models/__init__.py", "benchmarks/load.py"]
)
def test_the_code_goes_into_the_image(path):
    assert sent_to_docker(path)


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _command(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_the_web_service_runs_the_deploy_check_before_serving():
    command = _command(_compose()["services"]["web"])

    assert "manage.py check --deploy --fail-level ERROR &&" in command
    assert command.index("check --deploy") < command.index("gunicorn")


def test_every_long_running_service_has_a_health_check():
    services = _compose()["services"]

    for name in ["postgres", "redis", "web", "worker", "beat"]:
        assert services[name].get("healthcheck", {}).get("test"), name
    assert "celerybeat-schedule" in " ".join(services["beat"]["healthcheck"]["test"])
