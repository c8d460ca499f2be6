"""The `portfolium` command: try the demo, serve the product, run migrations and add people.

It settles the data directory and the secret key before Django reads its settings, and turns every error a
user can cause (a busy port, an unwritable directory, a bad DATABASE_URL) into one line on stderr.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any, TextIO

SECRET_KEY_FILE = "secret_key"
DEMO_DB_FILE = "demo.sqlite3"
MIN_SECRET_LENGTH = 50


class CommandError(Exception):
    """Something the user can fix; the message is printed as is and the command exits with status 1."""


# --- a tiny progress bar ----------------------------------------------------------------------------------


class ProgressBar:
    """A one-line bar on a terminal; elsewhere (pipes, CI logs) a single line when the work is done."""

    def __init__(self, label: str, *, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.perf_counter()
        self.tty = self.stream.isatty()
        self.last = ""

    def update(self, done: int, total: int, label: str | None = None) -> None:
        if not self.tty:
            return
        fraction = min(1.0, done / total) if total else 1.0
        filled = int(fraction * self.width)
        line = f"\r{self.label:<10} [{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%} {label or ''}"
        if line != self.last:
            self.stream.write(line.ljust(len(self.last)))
            self.stream.flush()
            self.last = line

    def finish(self, note: str = "done") -> None:
        seconds = time.perf_counter() - self.started
        text = f"{self.label:<10} {note} in {seconds:.1f} s"
        if self.tty:
            self.stream.write("\r" + text.ljust(len(self.last)) + "\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


# --- environment, before Django starts --------------------------------------------------------------------


def resolve_data_dir(cli_value: str | None) -> Path:
    """--data-dir, else PORTFOLIUM_DATA_DIR, else the per-user data directory; created if missing."""
    import platformdirs

    raw = cli_value or os.environ.get("PORTFOLIUM_DATA_DIR") or platformdirs.user_data_dir("portfolium")
    path = Path(raw).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise CommandError(f"cannot use {path} as the data directory: {exc.strerror or exc}. "
                           "Choose another with --data-dir or PORTFOLIUM_DATA_DIR.") from None
    os.environ["PORTFOLIUM_DATA_DIR"] = str(path)
    return path


def ensure_secret_key(data_dir: Path) -> None:
    """Use PORTFOLIUM_SECRET_KEY if set; else read, or create once, ``<data_dir>/secret_key`` (mode 0600)."""
    if os.environ.get("PORTFOLIUM_SECRET_KEY"):
        return
    path = data_dir / SECRET_KEY_FILE
    key = ""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        try:
            key = path.read_text().strip()
        except OSError as exc:
            raise CommandError(f"cannot read the secret key in {path}: {exc.strerror or exc}") from None
    except OSError as exc:
        raise CommandError(f"cannot create the secret key file {path}: {exc.strerror or exc}") from None
    else:
        key = secrets.token_urlsafe(48)  # 64 characters
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
    if len(key) < MIN_SECRET_LENGTH:
        raise CommandError(f"the secret key in {path} is shorter than {MIN_SECRET_LENGTH} characters: "
                           "delete the file to have a new one made (signed-in sessions will end)")
    os.environ["PORTFOLIUM_SECRET_KEY"] = key


def start_django() -> None:
    """Load the settings and apps; a bad setting or an unreachable database becomes a CommandError."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolium.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    from portfolium.core.env import ConfigError

    try:
        django.setup()
        from django.conf import settings

        settings.DATABASES  # noqa: B018 - parses DATABASE_URL now, so a bad one fails here
    except (ConfigError, ImproperlyConfigured, ValueError) as exc:
        raise CommandError(f"configuration error: {exc}") from None
    check_database()


def check_database() -> None:
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except (DatabaseError, OSError) as exc:
        where = _database_label()
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(f"cannot connect to the database {where}: {reason}. Check DATABASE_URL.") from None


def _database_label() -> str:
    from django.db import connection

    s = connection.settings_dict
    if "sqlite" in s["ENGINE"]:
        return str(s["NAME"])
    return f"{s.get('NAME')} on {s.get('HOST') or 'localhost'}:{s.get('PORT') or 'default port'}"


# --- migrations -------------------------------------------------------------------------------------------


def run_migrations(*, quiet: bool = False) -> int:
    """Apply pending migrations with a progress bar; returns how many were applied."""
    from django.core.management import call_command
    from django.core.management.commands.migrate import Command as MigrateCommand
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise CommandError(f"cannot read the migration state of {_database_label()}: {exc}") from None
    if not plan:
        return 0
    bar = ProgressBar("Migrating")
    applied = 0

    class Migrate(MigrateCommand):
        def migration_progress_callback(self, action: str, migration: Any = None, fake: bool = False) -> None:
            nonlocal applied
            if action == "apply_success":
                applied += 1
                bar.update(applied, len(plan), str(migration))

    try:
        call_command(Migrate(), interactive=False, verbosity=0)
    except DatabaseError as exc:
        raise CommandError(f"migrating {_database_label()} failed: {exc}") from None
    if not quiet:
        bar.finish(f"{applied} migrations applied")
    return applied


def pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# --- serving ----------------------------------------------------------------------------------------------


def make_server(host: str, port: int, threads: int) -> Any:
    """Bind now, so that a busy port is reported before anything is printed as ready."""
    from waitress import create_server

    from portfolium.wsgi import application

    try:
        return create_server(application, host=host, port=port, threads=threads, ident="Portfolium")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if getattr(exc, "errno", None) in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            reason = "the address is already in use (is Portfolium already running? try --port)"
        raise CommandError(f"cannot listen on {host}:{port}: {reason}") from None


def server_url(server: Any, host: str) -> str:
    port = server.effective_port
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def run_server(server: Any) -> None:
    try:
        server.run()
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
    finally:
        server.close()


# --- commands ---------------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    ensure_secret_key(data_dir)
    db_path = data_dir / DEMO_DB_FILE
    if os.environ.get("DATABASE_URL"):
        print("Note: the demo keeps its own SQLite database; DATABASE_URL is not used.", file=sys.stderr)
    # The demo never touches a real database: it lives in its own file, which --reset simply deletes.
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    if args.reset:
        for suffix in ("", "-wal", "-shm"):
            try:
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
            except OSError as exc:
                raise CommandError(f"cannot delete {db_path}{suffix}: {exc.strerror or exc}") from None
    start_django()
    server = make_server(args.host, args.port, args.threads) if not args.no_serve else None
    run_migrations()

    from portfolium.demo.seed import (
        ADMIN_USERNAME,
        DEMO_PASSWORD,
        demo_portfolio_manager,
        demo_seed,
        organisation_is_seeded,
    )

    if organisation_is_seeded():
        print(f"Reusing the demo organisation in {db_path} (--reset starts afresh).", file=sys.stderr)
        seeded = None
    else:
        bar = ProgressBar("Seeding")
        seeded = demo_seed(progress=bar.update)
        c = seeded.counts
        bar.finish(f"{c['projects']} projects, {c['tasks']} tasks, {c['people']} people")
    url = server_url(server, args.host) if server else f"http://{_url_host(args.host)}:{args.port}/"
    print()
    print(f"  Portfolium demo:  {url}")
    print(f"  Sign in as:       {ADMIN_USERNAME} / {DEMO_PASSWORD}   (organisation administrator)")
    if seeded is not None:
        print(f"  Or as any person, same password, e.g. {seeded.portfolio_manager} (portfolio manager), "
              f"{seeded.project_manager} (project manager), {seeded.contributor} (contributor)")
    else:
        print(f"  Or as any person, same password, e.g. {demo_portfolio_manager()} (portfolio manager)")
    print(f"  Data:             {db_path}")
    print()
    sys.stdout.flush()
    if server is None:
        return 0
    print("Press Ctrl+C to stop.", file=sys.stderr)
    run_server(server)
    return 0


def _url_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else (f"[{host}]" if ":" in host else host)


def cmd_serve(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    ensure_secret_key(data_dir)
    start_django()
    pending = pending_migrations()
    if pending:
        print(f"Warning: {pending} migrations are not applied yet: run `portfolium migrate`.", file=sys.stderr)
    server = make_server(args.host, args.port, args.threads)
    print(f"Portfolium is serving on {server_url(server, args.host)}  (Ctrl+C to stop)", flush=True)
    run_server(server)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    ensure_secret_key(data_dir)
    start_django()
    if run_migrations() == 0:
        print("No migrations to apply: the database is up to date.", file=sys.stderr)
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    ensure_secret_key(data_dir)
    start_django()
    if pending_migrations():
        raise CommandError("the database is not migrated yet: run `portfolium migrate` first")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("no password on standard input")
    else:
        try:
            password = getpass.getpass(f"Password for {args.username}: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("the passwords do not match")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("no password given") from None
    from portfolium.accounts.services import user_create
    from portfolium.core.errors import ValidationError

    try:
        user = user_create(username=args.username, password=password, email=args.email or "",
                           display_name=args.name or "", is_superuser=args.admin)
    except ValidationError as exc:
        raise CommandError("; ".join(f"{k}: {v}" for k, v in exc.errors.items())) from None
    kind = "organisation administrator" if user.is_superuser else "user"
    print(f"Created {kind} {user.username!r}.")
    return 0


# --- scheduling a plan file -------------------------------------------------------------------------------

SCHEDULE_BAD_INPUT = 2
PROGRESS_MIN_TASKS = 2000


def cmd_schedule(args: argparse.Namespace) -> int:
    """Read a plan file, compute its schedule and print it; bad input is one line on stderr and status 2."""
    import json

    from portfolium.engine.errors import EngineError
    from portfolium.interchange import InterchangeError, plan_file_read, schedule_dump

    def fail(message: str) -> int:
        print(f"portfolium schedule: error: {message}", file=sys.stderr)
        return SCHEDULE_BAD_INPUT

    try:
        loaded = plan_file_read(args.file)
    except InterchangeError as exc:
        return fail(str(exc))
    try:
        from portfolium.engine.cpm import schedule
    except ImportError:
        raise CommandError("the scheduling engine (portfolium.engine.cpm) is not installed") from None
    plan = loaded.plan
    bar = ProgressBar("Scheduling") if len(plan.tasks) >= PROGRESS_MIN_TASKS else None
    if bar:
        bar.update(0, 1, f"{len(plan.tasks)} tasks")
    try:
        result = schedule(plan)
    except EngineError as exc:
        return fail(f"{args.file}: {exc}")
    if bar:
        bar.finish(f"{len(plan.tasks)} tasks")
    for note in loaded.notes:
        print(f"Note: {note}", file=sys.stderr)
    if args.json:
        json.dump(schedule_dump(plan, result), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_schedule_table(plan, result, periods=loaded.format == "psplib")
    return 0


def print_schedule_table(plan: Any, result: Any, *, stream: TextIO | None = None, periods: bool = False) -> None:
    """One row per task (names indented by outline level), then the project's start and finish.

    ``periods``: a PSPLIB instance counts abstract periods (one minute each on the engine's axis from
    2000-01-01), so show period numbers and the makespan instead of clock times."""
    from portfolium.engine.calendars import to_minutes

    out = stream or sys.stdout
    origin: int = result.project_start

    def _when_at(moment: Any) -> str:
        return str(to_minutes(moment) - origin) if periods else _when(moment)
    depth: dict[str, int] = {}
    parent = {t.id: t.parent for t in plan.tasks}

    def level(task_id: str) -> int:
        if task_id not in depth:
            up = parent.get(task_id)
            depth[task_id] = 0 if up is None else level(up) + 1
        return depth[task_id]

    rows = [("ID", "Name", "Early start", "Early finish", "Late start", "Late finish", "Total float", "Critical")]
    for row in result.rows():
        name = "  " * level(row.id) + (row.name or row.id)
        if len(name) > 40:
            name = name[:39] + "…"
        rows.append((row.id, name, _when_at(row.early_start), _when_at(row.early_finish), _when_at(row.late_start),
                     _when_at(row.late_finish),
                     str(row.total_float) if periods else float_text(row.total_float, plan.minutes_per_day),
                     "yes" if row.critical else ""))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, r in enumerate(rows):
        cells = [cell.rjust(w) if i == 6 and n else cell.ljust(w) for i, (cell, w) in enumerate(zip(r, widths, strict=True))]
        print("  ".join(cells).rstrip(), file=out)
        if n == 0:
            print("  ".join("-" * w for w in widths), file=out)
    print(file=out)
    if periods:
        print(f"Makespan: {result.project_finish - result.project_start} periods (precedence only)", file=out)
        return
    print(f"Project start:  {_minutes_when(result.project_start)}", file=out)
    print(f"Project finish: {_minutes_when(result.project_finish)}", file=out)


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def _minutes_when(minutes: int) -> str:
    from portfolium.engine.calendars import from_minutes

    return _when(from_minutes(minutes))


def float_text(minutes: int, minutes_per_day: int = 480) -> str:
    """Working minutes as days and hours a person reads: 0, 2d, 1d 4h, 30m, -3d."""
    if minutes == 0:
        return "0"
    sign, left = ("-" if minutes < 0 else ""), abs(minutes)
    days, left = divmod(left, minutes_per_day) if minutes_per_day else (0, left)
    hours, mins = divmod(left, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return sign + " ".join(p for p in parts if p)


# --- argument parsing -------------------------------------------------------------------------------------


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0 to 65535; 0 picks a free one)")
    return value


def _threads(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1 or value > 256:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of threads from 1 to 256")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portfolium",
        description="Portfolium: open-source project portfolio management.",
        epilog="Settings come from the environment (PORTFOLIUM_*, DATABASE_URL); see .env.example.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", metavar="DIR",
                       help="where the database and secret key live (default: PORTFOLIUM_DATA_DIR, "
                            "else your user data directory)")

    def network(p: argparse.ArgumentParser, *, threads: int = 8) -> None:
        p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        p.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000; 0: any free)")
        p.add_argument("--threads", type=_threads, default=threads, help=f"worker threads (default {threads})")

    demo = sub.add_parser("demo", help="seed a demo organisation in its own database and serve it",
                          description="Create (or reuse) a demo organisation in a SQLite file in the data "
                                      "directory, print how to sign in, and serve it.")
    common(demo)
    network(demo, threads=4)
    demo.add_argument("--no-serve", action="store_true", help="prepare the demo and exit")
    demo.add_argument("--reset", action="store_true", help="delete the demo database and seed it again")
    demo.set_defaults(handler=cmd_demo)

    serve = sub.add_parser("serve", help="serve Portfolium with waitress (static files included)")
    common(serve)
    network(serve)
    serve.set_defaults(handler=cmd_serve)

    migrate = sub.add_parser("migrate", help="create or upgrade the database tables")
    common(migrate)
    migrate.set_defaults(handler=cmd_migrate)

    createuser = sub.add_parser("createuser", help="add a person who can sign in")
    common(createuser)
    createuser.add_argument("username")
    createuser.add_argument("--email", default="")
    createuser.add_argument("--name", default="", help="display name")
    createuser.add_argument("--admin", action="store_true", help="make an organisation administrator")
    createuser.add_argument("--password-stdin", action="store_true",
                            help="read the password from the first line of standard input")
    createuser.set_defaults(handler=cmd_createuser)

    sched = sub.add_parser("schedule", help="compute and print the schedule of a plan file",
                           description="Schedule a Portfolium plan (.json), a Microsoft Project XML file (.xml) "
                                       "or a PSPLIB instance (.sm) and print each task's early and late dates, "
                                       "total float and whether it is critical.")
    sched.add_argument("file", help="the plan file")
    sched.add_argument("--json", action="store_true", help="print the schedule as JSON instead of a table")
    sched.set_defaults(handler=cmd_schedule)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except CommandError as exc:
        print(f"portfolium {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
