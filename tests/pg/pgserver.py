#!/usr/bin/env python3
"""A throwaway PostgreSQL 15 server for tests and benches.

Starts Debian's postgresql-15 (binaries in /usr/lib/postgresql/15/bin, or
PG_BIN) in a fresh temporary directory, listening on 127.0.0.1 on a free
port, with a superuser `karta` and trust authentication for that address
only; runs a command with KARTA_TEST_PG_URL set to
postgresql://karta@127.0.0.1:PORT/postgres; stops the server and removes the
directory, whatever the command did.

initdb refuses to run as root (CI runs as root), so as root the server runs
as an unprivileged system user: `nobody` (or PG_USER), via runuser, in a
directory it owns. As any other user it runs as that user.

Usage: pgserver.py [--keep-log] -- COMMAND [ARG...]
Exit: the command's exit status; 77 (skipped) when PostgreSQL 15 is not
installed (scripts/install-deps.sh installs it).
Also a module: `with PgServer() as url: ...`.
"""
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile

PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self):
        self.dir = None
        self.user = None
        self.url = None

    def _as_user(self, cmd):
        if self.user is None:
            return cmd
        return ["runuser", "-u", self.user, "--"] + cmd

    def __enter__(self):
        if not os.path.exists(os.path.join(PG_BIN, "initdb")):
            raise FileNotFoundError(f"{PG_BIN}/initdb: PostgreSQL 15 is not installed "
                                    "(apt-get install postgresql-15, or scripts/install-deps.sh)")
        self.dir = tempfile.mkdtemp(prefix="karta-pg-")
        if os.geteuid() == 0:
            self.user = os.environ.get("PG_USER", "nobody")
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.dir, 0o700)
        data = os.path.join(self.dir, "data")
        log = os.path.join(self.dir, "log")
        env = dict(os.environ, LC_ALL="C.UTF-8")
        r = subprocess.run(self._as_user([os.path.join(PG_BIN, "initdb"), "-D", data, "-U", "karta",
                                          "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]),
                           capture_output=True, text=True, env=env, cwd=self.dir)
        if r.returncode != 0:
            self._cleanup()
            raise RuntimeError("initdb failed: " + r.stdout + r.stderr)
        for attempt in range(5):
            port = free_port()
            opts = (f"-p {port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
            r = subprocess.run(self._as_user([os.path.join(PG_BIN, "pg_ctl"), "-D", data, "-o", opts,
                                              "-l", log, "-w", "-t", "60", "start"]),
                               capture_output=True, text=True, env=env, cwd=self.dir)
            if r.returncode == 0:
                self.url = f"postgresql://karta@127.0.0.1:{port}/postgres"
                return self.url
        text = open(log).read() if os.path.exists(log) else ""
        self._cleanup()
        raise RuntimeError("pg_ctl start failed: " + r.stdout + r.stderr + text[-2000:])

    def __exit__(self, *exc):
        if self.url:
            subprocess.run(self._as_user([os.path.join(PG_BIN, "pg_ctl"), "-D",
                                          os.path.join(self.dir, "data"), "-m", "fast", "-w", "stop"]),
                           capture_output=True, cwd=self.dir)
        self._cleanup()
        return False

    def _cleanup(self):
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


def main():
    args = sys.argv[1:]
    if "--" in args:
        args = args[args.index("--") + 1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    if not os.path.exists(os.path.join(PG_BIN, "initdb")):
        print(f"pgserver: {PG_BIN}/initdb missing: PostgreSQL 15 is not installed; skipped",
              file=sys.stderr)
        return 77
    with PgServer() as url:
        env = dict(os.environ, KARTA_TEST_PG_URL=url)
        return subprocess.run(args, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
