#!/usr/bin/env python3
"""Check the deployment files without a Docker engine: `make deploy-check` (part of `make test`).

- Dockerfile: hadolint with .hadolint.yaml; every COPY source exists and survives
  .dockerignore; every third-party module the package imports is installed by the
  image's `pip install .[postgres]` (a missing one would only show when the container
  starts).
- deploy/docker-compose.yml: the keys the deployment relies on.
- deploy/secondchance.service: `systemd-analyze verify` must print nothing at all (it
  exits 0 on unknown keys, so any output is a failure), and `systemd-analyze security
  --offline=yes` must rate the exposure 2.5 or lower. Both run on a temporary copy whose
  ExecStart= points at this checkout's own `secondchance` executable instead of
  /usr/local/bin/secondchance, which does not exist on a development machine; nothing
  else in the unit is changed. Without systemd-analyze this part is skipped, and says so.

Exits 1 when anything fails, naming each problem.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
HADOLINT_CONFIG = ROOT / ".hadolint.yaml"
COMPOSE = ROOT / "deploy" / "docker-compose.yml"
ENV_EXAMPLE = ROOT / "deploy" / "secondchance.env.example"
UNIT = ROOT / "deploy" / "secondchance.service"
INSTALLED_EXECUTABLE = "/usr/local/bin/secondchance"
MAX_EXPOSURE = 2.5
IMAGE_EXTRAS = ("postgres",)

# --- parsers shared with tests/test_deploy.py ------------------------------------------


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        if line.strip():
            keyword, _, args = line.strip().partition(" ")
            out.append((keyword.upper(), " ".join(args.split())))
    return out


def unit_settings(text: str) -> dict[str, list[str]]:
    """Map "Section.Key" to every value assigned to it, in order (systemd unit syntax)."""
    out: dict[str, list[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, _, value = line.partition("=")
        out.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return out


def _ignore_regex(pattern: str) -> re.Pattern[str]:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[" and "]" in pattern[i:]:
            end = pattern.index("]", i)
            out, i = out + pattern[i : end + 1], end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def dockerignored(path: str, ignore_text: str) -> bool:
    """Whether `docker build` leaves `path` (relative to the context) out, the way
    Docker reads .dockerignore: the last matching line wins, `!` re-includes, and a
    line matching a directory matches everything inside it."""
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for raw in ignore_text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        regex = _ignore_regex(pattern)
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            excluded = not negate
    return excluded


# --- checks: each returns a list of problems -------------------------------------------


def _executable(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def check_hadolint() -> list[str]:
    hadolint = _executable("hadolint")
    if hadolint is None:
        return ["hadolint not found: install the dev extra (pip install -e '.[dev]')"]
    run = subprocess.run(
        [hadolint, "--no-color", "--config", str(HADOLINT_CONFIG), str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        return [f"hadolint: {line}" for line in (run.stdout + run.stderr).splitlines()] or [
            f"hadolint exited with {run.returncode}"
        ]
    return []


def check_build_context() -> list[str]:
    problems: list[str] = []
    ignore = DOCKERIGNORE.read_text(encoding="utf-8")
    for keyword, args in dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8")):
        if keyword not in ("COPY", "ADD"):
            continue
        words = [w for w in args.split() if not w.startswith("--")]
        for source in words[:-1]:
            path = ROOT / source
            if not path.exists():
                problems.append(f"Dockerfile: {keyword} {source}: no such file in the checkout")
                continue
            files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
            for file in files:
                rel = file.relative_to(ROOT).as_posix()
                generated = "__pycache__" in rel or ".egg-info" in rel
                if not generated and dockerignored(rel, ignore):
                    problems.append(f".dockerignore leaves out {rel}, which {keyword} needs")
    for private in (".venv/bin/python", ".git/HEAD", "tests/conftest.py", "x.db"):
        if not dockerignored(private, ignore):
            problems.append(f".dockerignore should leave {private} out of the build context")
    for secret in ("deploy/secondchance.env", "deploy/watchlist.toml"):
        if not dockerignored(secret, ignore):
            problems.append(f".dockerignore must leave {secret} (secrets) out of the context")
    return problems


def _requirement_closure(requirements: Iterable[str]) -> set[str]:
    """Normalised names of the distributions `pip install` of these would bring in,
    read from the metadata of what is installed here."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    names: set[str] = set()
    done: set[tuple[str, str]] = set()
    todo = [Requirement(r) for r in requirements]
    todo = [r for r in todo if r.marker is None or r.marker.evaluate({"extra": ""})]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        names.add(name)
        for extra in {"", *req.extras}:
            if (name, extra) in done:
                continue
            done.add((name, extra))
            try:
                requires = metadata.requires(req.name) or []
            except metadata.PackageNotFoundError:
                continue
            for text in requires:
                sub = Requirement(text)
                if sub.marker is None or sub.marker.evaluate({"extra": extra}):
                    todo.append(sub)
    return names


def check_image_dependencies() -> list[str]:
    try:
        from packaging.utils import canonicalize_name
    except ImportError:
        print("SKIPPED: image dependencies (the packaging module is not installed)")
        return []
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project.get("dependencies", []))
    for extra in IMAGE_EXTRAS:
        declared += project.get("optional-dependencies", {}).get(extra, [])
    installed = _requirement_closure(declared)
    providers = metadata.packages_distributions()
    imported: dict[str, str] = {}
    for file in sorted((ROOT / "src" / "secondchance").rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                imported.setdefault(name.split(".")[0], file.relative_to(ROOT).as_posix())
    problems = []
    for module, where in sorted(imported.items()):
        if module in sys.stdlib_module_names or module in ("secondchance", "__future__"):
            continue
        dists = {canonicalize_name(d) for d in providers.get(module, [])}
        if not dists & installed:
            problems.append(
                f"{where} imports {module!r}, but pyproject.toml does not declare "
                f"{'/'.join(sorted(dists)) or module} (directly or through a dependency): "
                "the image's `pip install .[postgres]` would not install it"
            )
    return problems


def load_compose() -> dict[str, Any]:
    yaml = importlib.import_module("yaml")  # PyYAML, installed through a dependency
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{COMPOSE.name} is not a YAML mapping")
    return data


def _seconds(value: object) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", str(value))
    return sum(float(n) * units[u] for n, u in parts)


def check_compose() -> list[str]:
    try:
        data = load_compose()
    except ImportError:
        return _check_compose_text(COMPOSE.read_text(encoding="utf-8"))
    service = data.get("services", {}).get("secondchance")
    if not isinstance(service, dict):
        return ["docker-compose.yml: no service named secondchance"]
    expect: list[tuple[str, Callable[[Any], bool]]] = [
        ("build/image", lambda s: "image" in s or "build" in s),
        ("restart: unless-stopped", lambda s: s.get("restart") == "unless-stopped"),
        ("volume secondchance-data:/data", lambda s: "secondchance-data:/data" in s["volumes"]),
        (
            "./watchlist.toml mounted read-only at /config/watchlist.toml",
            lambda s: "./watchlist.toml:/config/watchlist.toml:ro" in s["volumes"],
        ),
        ("env_file: secondchance.env", lambda s: "secondchance.env" in str(s.get("env_file"))),
        ("stop_grace_period above 8 s", lambda s: _seconds(s.get("stop_grace_period")) > 8),
        ("healthcheck runs secondchance health", lambda s: _healthcheck_ok(s.get("healthcheck"))),
        ("read_only: true", lambda s: s.get("read_only") is True),
        ("tmpfs /tmp", lambda s: any(str(t).split(":")[0] == "/tmp" for t in s["tmpfs"])),
        (
            "security_opt no-new-privileges:true",
            lambda s: "no-new-privileges:true" in s["security_opt"],
        ),
        ("cap_drop: [ALL]", lambda s: s.get("cap_drop") == ["ALL"]),
    ]
    problems = []
    for what, ok in expect:
        try:
            passed = ok(service)
        except (KeyError, TypeError):
            passed = False
        if not passed:
            problems.append(f"docker-compose.yml: service secondchance needs {what}")
    if "secondchance-data" not in (data.get("volumes") or {}):
        problems.append("docker-compose.yml: the named volume secondchance-data is not declared")
    build = service.get("build")
    context = build.get("context") if isinstance(build, dict) else build
    if context is not None and not (COMPOSE.parent / str(context) / "Dockerfile").exists():
        problems.append(f"docker-compose.yml: build context {context} has no Dockerfile")
    if not ENV_EXAMPLE.exists():
        problems.append(f"{ENV_EXAMPLE.relative_to(ROOT)} is missing")
    return problems


def _healthcheck_ok(check: object) -> bool:
    if not isinstance(check, dict):
        return False
    test = check.get("test")
    words = test if isinstance(test, list) else str(test).split()
    return "secondchance" in words and "health" in words


def _check_compose_text(text: str) -> list[str]:
    required = [
        "restart: unless-stopped",
        "secondchance-data:/data",
        "./watchlist.toml:/config/watchlist.toml:ro",
        "secondchance.env",
        "stop_grace_period:",
        "healthcheck:",
        "read_only: true",
        "/tmp",
        "no-new-privileges:true",
        "ALL",
    ]
    return [f"docker-compose.yml: {item!r} not found" for item in required if item not in text]


def _systemd_version(analyze: str) -> int:
    run = subprocess.run([analyze, "--version"], capture_output=True, text=True, check=False)
    found = re.match(r"systemd (\d+)", run.stdout)
    return int(found.group(1)) if found else 0


def check_systemd() -> list[str]:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("SKIPPED: systemd-analyze not found; deploy/secondchance.service not verified")
        return []
    version = _systemd_version(analyze)
    if version < 250:
        print(f"SKIPPED: systemd-analyze {version} is older than 250 (no --offline)")
        return []
    problems = []
    stand_in = _executable("secondchance") or "/bin/true"
    text = UNIT.read_text(encoding="utf-8")
    if f"ExecStart={INSTALLED_EXECUTABLE} " not in text:
        problems.append(f"{UNIT.name}: ExecStart= should run {INSTALLED_EXECUTABLE}")
    env = dict(os.environ, SYSTEMD_LOG_COLOR="0", SYSTEMD_PAGER="", SYSTEMD_COLORS="0")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / UNIT.name
        copy.write_text(text.replace(INSTALLED_EXECUTABLE, stand_in), encoding="utf-8")
        verify = subprocess.run(
            [analyze, "verify", "--man=no", "--recursive-errors=no", str(copy)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        output = (verify.stdout + verify.stderr).replace(str(copy), str(UNIT.relative_to(ROOT)))
        if verify.returncode != 0 or output.strip():
            problems.append(f"systemd-analyze verify (exit {verify.returncode}):")
            problems += [f"  {line}" for line in output.splitlines()]
        # --threshold is an integer on systemd's internal 0-100 scale: 25 means 2.5.
        security = subprocess.run(
            [
                analyze,
                "security",
                "--no-pager",
                "--offline=yes",
                f"--threshold={round(MAX_EXPOSURE * 10)}",
                str(copy),
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    found = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", security.stdout)
    exposure = float(found.group(1)) if found else None
    if security.returncode != 0 or exposure is None or exposure > MAX_EXPOSURE:
        problems.append(
            f"systemd-analyze security: exposure {exposure} (at most {MAX_EXPOSURE} allowed), "
            f"exit {security.returncode}: {security.stderr.strip().replace(tmp, '<copy>')}"
        )
    else:
        print(f"ok   systemd-analyze security: exposure {exposure} (limit {MAX_EXPOSURE})")
    return problems


CHECKS: list[tuple[str, Callable[[], list[str]]]] = [
    ("hadolint Dockerfile", check_hadolint),
    ("Docker build context", check_build_context),
    ("image dependencies", check_image_dependencies),
    ("deploy/docker-compose.yml", check_compose),
    ("deploy/secondchance.service", check_systemd),
]


def main() -> int:
    failed = 0
    for name, check in CHECKS:
        problems = check()
        print(f"{'FAIL' if problems else 'ok  '} {name}")
        for problem in problems:
            print(f"     {problem}")
        failed += bool(problems)
    if failed:
        print(f"deploy-check: {failed} check(s) failed", file=sys.stderr)
        return 1
    print("deploy-check: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
