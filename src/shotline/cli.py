"""The ``shotline`` command."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
import uvicorn
from fastapi import HTTPException
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine, Select, create_engine, func, select
from sqlalchemy.orm import Session

from shotline import asgi
from shotline.app import create_app
from shotline.collector import settle_for_serving
from shotline.db import is_up_to_date, make_engine, upgrade
from shotline.demo import (
    DEMO_PASSWORD,
    DEMO_ROLES,
    DemoError,
    ScaleName,
    create_demo,
    demo_email,
)
from shotline.events.log import notifies_itself
from shotline.models import (
    Asset,
    Comment,
    Episode,
    Person,
    Project,
    ProjectMember,
    Role,
    Sequence,
    Shot,
    Task,
    TimeLog,
)
from shotline.schemas.crud import PersonCreate
from shotline.services import previews
from shotline.services.people import create_person
from shotline.settings import Settings
from shotline.storage import STALE_SECONDS, LocalStore

app = typer.Typer(help="Shotline production tracker.", no_args_is_help=True)
console = Console()

DEFAULT_DATABASE_URL = "sqlite:///shotline.db"
DatabaseURL = Annotated[
    str,
    typer.Option(
        envvar="SHOTLINE_DATABASE_URL",
        help="SQLAlchemy URL of the database (default: shotline.db in the current directory).",
    ),
]


@app.callback()
def main() -> None:
    """Shotline production tracker."""


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database_url: DatabaseURL = DEFAULT_DATABASE_URL,
    demo_if_empty: Annotated[
        ScaleName | None,
        typer.Option(help="Create a demo production of this scale when the database is empty."),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes (PostgreSQL only: it tells every process of every change).",
        ),
    ] = 1,
) -> None:
    """Serve the REST and GraphQL APIs, migrating the database first."""
    settings = Settings()
    engine = make_engine(database_url, statement_timeout=settings.statement_timeout_seconds)
    if workers > 1 and not notifies_itself(engine):
        console.print(
            "[red]--workers needs PostgreSQL[/red]: on SQLite and MariaDB, changes reach "
            "the event streams of the process that made them only"
        )
        raise typer.Exit(2)
    upgrade(engine)
    if demo_if_empty is not None:
        with Session(engine) as session:
            empty = session.scalar(select(func.count()).select_from(Project)) == 0
        if empty:
            console.print(f"Creating the {demo_if_empty} demo production…")
            create_demo(engine, demo_if_empty, 42, previews=LocalStore(settings.preview_dir))
        _print_demo_accounts()
    console.print(f"Serving on http://{host}:{port} (REST docs at /docs, GraphQL at /graphql)")
    # What uploads cut off by a crash left behind (older ones only: another
    # server may be receiving into the same folder).
    LocalStore(settings.preview_dir).sweep()
    if workers > 1:
        engine.dispose()
        os.environ[asgi.DATABASE_URL] = database_url
        uvicorn.run(
            "shotline.asgi:application",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            timeout_graceful_shutdown=settings.shutdown_seconds,
        )
        return
    application = create_app(engine, settings)
    settle_for_serving()
    uvicorn.run(
        application,
        host=host,
        port=port,
        timeout_graceful_shutdown=settings.shutdown_seconds,
    )
    _exit_despite_stuck_requests()


def _exit_despite_stuck_requests() -> None:
    """End the process even if a request is still running in a worker thread.

    On SIGTERM the server stops accepting connections, lets requests in
    flight finish for ``shutdown_seconds``, then cancels them; but a request
    blocked in the database (a lock held elsewhere) or computing keeps its
    worker thread, and Python waits for every such thread before exiting:
    the server hung until killed. Past the grace period the process exits
    anyway; the database rolls back what those requests left uncommitted."""
    stuck = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if stuck:
        console.print(f"{len(stuck)} requests still running after the grace period: exiting")
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _print_demo_accounts() -> None:
    emails = ", ".join(demo_email(role) for role in DEMO_ROLES)
    console.print(
        f"Demo sign-in: {emails}; password [bold]{DEMO_PASSWORD}[/bold] "
        "(POST /api/auth/login, then send 'Authorization: Bearer <access_token>')"
    )


@app.command()
def openapi(
    output: Annotated[
        Path | None, typer.Option(help="Write it to this file (only when it changed).")
    ] = None,
) -> None:
    """Print the REST API's OpenAPI document (clients are generated from it)."""
    document = create_app(create_engine("sqlite://")).openapi()
    text = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    if output is None:
        typer.echo(text.decode(), nl=False)
    elif not output.is_file() or output.read_bytes() != text:
        output.write_bytes(text)


@app.command("prune-previews")
def prune_previews(
    database_url: DatabaseURL = DEFAULT_DATABASE_URL,
    older_than_hours: Annotated[
        float, typer.Option(help="Keep files younger than this: an upload may be recording them.")
    ] = STALE_SECONDS / 3600,
) -> None:
    """Remove the stored files no preview uses any more (those of deleted
    previews and comments) and what uploads that never finished left."""
    store = LocalStore(Settings().preview_dir)
    older_than = older_than_hours * 3600
    swept = store.sweep(older_than)
    limit = time.time() - older_than
    candidates = [key for key, stored in store.entries() if stored < limit]
    engine = make_engine(database_url)
    removed = 0
    try:
        with Session(engine) as session:
            for start in range(0, len(candidates), 1000):
                for key in previews.unused_keys(session, candidates[start : start + 1000]):
                    store.remove(key)
                    removed += 1
    finally:
        engine.dispose()
    console.print(f"Removed {removed} unused files and {swept} unfinished uploads.")


@app.command()
def migrate(database_url: DatabaseURL = DEFAULT_DATABASE_URL) -> None:
    """Create or upgrade the database schema to the latest revision."""
    upgrade(database_url)
    console.print("[green]Database schema is up to date.[/green]")


# -- A real database: its schema and first admin ---------------------------------------

AdminEmail = Annotated[
    str | None,
    typer.Option(envvar="SHOTLINE_ADMIN_EMAIL", help="The admin's email (asked when missing)."),
]
AdminFirstName = Annotated[
    str | None, typer.Option(envvar="SHOTLINE_ADMIN_FIRST_NAME", help="Asked when missing.")
]
AdminLastName = Annotated[
    str | None, typer.Option(envvar="SHOTLINE_ADMIN_LAST_NAME", help="Asked when missing.")
]
AdminPassword = Annotated[
    str | None,
    typer.Option(
        envvar="SHOTLINE_ADMIN_PASSWORD",
        help="The admin's password (asked twice, hidden, when missing; prefer the prompt or "
        "the environment variable to a flag, which lands in the shell's history).",
    ),
]


def _admin_values(
    email: str | None, first_name: str | None, last_name: str | None, password: str | None
) -> PersonCreate:
    """The new admin, from options and the environment, asking for what is
    missing; checked by the same rules as ``POST /api/people``."""
    values: dict[str, Any] = {
        "email": email or typer.prompt("Email"),
        "first_name": first_name or typer.prompt("First name"),
        "last_name": last_name or typer.prompt("Last name"),
        "password": password or typer.prompt("Password", hide_input=True, confirmation_prompt=True),
        "role": Role.ADMIN,
    }
    try:
        return PersonCreate(**values)
    except ValidationError as error:
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"])
            console.print(f"[red]{field}: {problem['msg']}[/red]")
        raise typer.Exit(2) from error


def _create_admin(engine: Engine, admin: PersonCreate) -> None:
    with Session(engine) as session:
        try:
            create_person(session, admin.model_dump(), Settings())
        except HTTPException as error:
            console.print(f"[red]{error.detail}[/red]")
            raise typer.Exit(1) from error
        session.commit()
    console.print(
        f"[green]Admin {admin.email} created.[/green] Sign in with POST /api/auth/login "
        "(the API documentation is at /docs)."
    )


def _admins(engine: Engine) -> list[str]:
    with Session(engine) as session:
        stmt = select(Person.email).where(Person.role == Role.ADMIN, Person.active.is_(True))
        return list(session.scalars(stmt.order_by(Person.id)))


@app.command()
def init(
    database_url: DatabaseURL = DEFAULT_DATABASE_URL,
    email: AdminEmail = None,
    first_name: AdminFirstName = None,
    last_name: AdminLastName = None,
    password: AdminPassword = None,
) -> None:
    """Set up a database for a real production: create or migrate its schema,
    then create the first admin (unless it has an active admin already)."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        console.print("[green]Database schema is up to date.[/green]")
        existing = _admins(engine)
        if existing:
            console.print(
                f"The database has an admin already ({', '.join(existing)}): none created. "
                "Add another with 'shotline create-admin'."
            )
            return
        _create_admin(engine, _admin_values(email, first_name, last_name, password))
    finally:
        engine.dispose()


@app.command("create-admin")
def create_admin(
    database_url: DatabaseURL = DEFAULT_DATABASE_URL,
    email: AdminEmail = None,
    first_name: AdminFirstName = None,
    last_name: AdminLastName = None,
    password: AdminPassword = None,
) -> None:
    """Add an admin to a database whose schema is up to date (an email that
    someone has already is refused)."""
    engine = make_engine(database_url)
    try:
        if not is_up_to_date(engine):
            console.print(
                "[red]The database schema is missing or out of date: run 'shotline init' "
                "(or 'shotline migrate') first.[/red]"
            )
            raise typer.Exit(1)
        _create_admin(engine, _admin_values(email, first_name, last_name, password))
    finally:
        engine.dispose()


@app.command()
def demo(
    scale: Annotated[ScaleName, typer.Option(help="Size of the main production.")] = "small",
    seed: Annotated[int, typer.Option(help="The same seed always gives the same production.")] = 42,
    database_url: DatabaseURL = DEFAULT_DATABASE_URL,
    reset: Annotated[
        bool, typer.Option("--reset", help="Delete every existing row first instead of refusing.")
    ] = False,
) -> None:
    """Fill an empty database with a realistic demo production."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        started = time.perf_counter()
        with Progress(
            TextColumn("{task.description:<20}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            bar = progress.add_task("generating", total=None)
            rows = create_demo(
                engine,
                scale,
                seed,
                lambda table, done, total: progress.update(
                    bar, description=table, completed=done, total=total
                ),
                replace=reset,
                previews=LocalStore(Settings().preview_dir),
            )
        elapsed = time.perf_counter() - started
        console.print(f"Demo production written: {sum(rows.values()):,} rows in {elapsed:.1f} s")
        with Session(engine) as session:
            console.print(_summary(session))
        _print_demo_accounts()
    except DemoError as error:
        console.print(f"[red]{error}[/red] (use --reset to replace the existing data)")
        raise typer.Exit(1) from error
    finally:
        engine.dispose()


def _summary(session: Session) -> Table:
    """Counts per project as the application sees them (soft-deleted rows left out)."""
    projects = session.execute(select(Project.id, Project.code).order_by(Project.id)).all()
    counts: list[tuple[str, Select[int, int]]] = [
        (
            "Members",
            select(ProjectMember.project_id, func.count()).group_by(ProjectMember.project_id),
        ),
        *(
            (label, select(model.project_id, func.count()).group_by(model.project_id))
            for label, model in (
                ("Episodes", Episode),
                ("Sequences", Sequence),
                ("Shots", Shot),
                ("Assets", Asset),
                ("Tasks", Task),
            )
        ),
        *(
            (
                label,
                select(Task.project_id, func.count()).join(model.task).group_by(Task.project_id),
            )
            for label, model in (("Comments", Comment), ("Time logs", TimeLog))
        ),
    ]
    table = Table()
    table.add_column("")
    for _, code in projects:
        table.add_column(code, justify="right")
    table.add_column("Total", justify="right")
    for label, query in counts:
        per_project = dict(session.execute(query).all())
        cells = [per_project.get(project_id, 0) for project_id, _ in projects]
        table.add_row(label, *(f"{n:,}" for n in cells), f"{sum(cells):,}")
    people = session.scalar(select(func.count()).select_from(Person)) or 0
    table.add_row("People", *([""] * len(projects)), f"{people:,}")
    return table
