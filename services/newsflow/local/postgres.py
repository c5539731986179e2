"""A throw-away PostgreSQL server for the archive's tests and benchmarks: ``initdb`` in a
temp folder, ``pg_ctl`` on a free port on 127.0.0.1, trust authentication for the local
user ``newsflow``, stopped and removed after. As root it runs as ``nobody`` (PostgreSQL
refuses root). Needs the server binaries (Debian's ``postgresql`` package)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from newsflow.local.broker import free_port

USER = "newsflow"
DATABASE = "archive"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: Debian's newest /usr/lib/postgresql/N/bin, else
    PATH's."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    return Path(shutil.which("pg_ctl")).parent if shutil.which("pg_ctl") else None


class LocalPostgres:
    def __init__(self) -> None:
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("no PostgreSQL server binaries: apt-get install postgresql")
        self.folder = Path(tempfile.mkdtemp(prefix="newsflow-pg-"))
        self.port = free_port()
        self.log_path = self.folder / "postgres.log"
        self._as = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self._as, *command], capture_output=True, text=True, cwd=self.folder)
        if done.returncode:
            raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")

    def start(self) -> "LocalPostgres":
        if self._as:
            os.chown(self.folder, 65534, 65534)
        data = self.folder / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", USER, "-A", "trust",
                  "-E", "UTF8", "--no-sync")
        self.start_server()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", USER, DATABASE)
        return self

    def start_server(self) -> None:
        """Start the server (again: the fault tests take it away for a while)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-l",
                  str(self.log_path), "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                  f"-c fsync=off -c shared_buffers=64MB", "start")

    def stop_server(self) -> None:
        """Stop the server, its data kept; connected clients are cut off."""
        subprocess.run([*self._as, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"),
                        "-m", "fast", "-w", "stop"], capture_output=True, cwd=self.folder)

    def stop(self, keep: bool = False) -> None:
        self.stop_server()
        if not keep:
            shutil.rmtree(self.folder, ignore_errors=True)
