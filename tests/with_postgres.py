#!/usr/bin/env python3
"""Run a command (the test suite) beside a throwaway PostgreSQL server.

`make test` calls this. When SECONDCHANCE_TEST_POSTGRES is already set, that
server is used. Otherwise, if this machine has PostgreSQL's initdb and pg_ctl
(Debian's postgresql package), a private cluster is started on a free
loopback port for the length of the run and removed afterwards. Without one,
the PostgreSQL tests are skipped (failed under CI=true), and this says so first.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ENV = "SECONDCHANCE_TEST_POSTGRES"
# Under CI=true the suite fails a PostgreSQL test it cannot run (tests/conftest.py).
_WITHOUT = (
    "PostgreSQL tests will FAIL (CI=true)"
    if os.environ.get("CI", "").lower() == "true"
    else "PostgreSQL tests will be SKIPPED"
)


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(candidates[0]) if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _say(message: str) -> None:
    print(f"with_postgres: {message}", flush=True)


def main(command: list[str]) -> int:
    if os.environ.get(ENV):
        _say(f"using the server in ${ENV}")
        return subprocess.call(command)
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not (initdb and pg_ctl):
        _say("no PostgreSQL server binaries (initdb, pg_ctl) here: " + _WITHOUT)
        return subprocess.call(command)
    run_as: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root.
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _say("running as root without a 'postgres' user: " + _WITHOUT)
            return subprocess.call(command)
        run_as = ["runuser", "-u", "postgres", "--"]
    base = tempfile.mkdtemp(prefix="secondchance-pg-")
    if owner is not None:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    data, port = str(Path(base) / "data"), _free_port()
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        subprocess.run(
            [
                *run_as,
                initdb,
                "-D",
                data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *run_as,
                pg_ctl,
                "-D",
                data,
                "-o",
                options,
                "-l",
                str(Path(base) / "log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        _say(
            f"could not start PostgreSQL ({exc}; {detail.decode(errors='replace').strip()}): "
            + _WITHOUT
        )
        shutil.rmtree(base, ignore_errors=True)
        return subprocess.call(command)
    _say(f"started a throwaway PostgreSQL on 127.0.0.1:{port}")
    try:
        env = {**os.environ, ENV: f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"}
        return subprocess.call(command, env=env)
    finally:
        subprocess.run(
            [*run_as, pg_ctl, "-D", data, "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
