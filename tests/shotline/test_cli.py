"""The ``shotline`` command: the demo on a SQLite file, a real database's set-up
on every dialect."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine, inspect, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from shotline import cli
from shotline.auth import verify_password
from shotline.db import is_up_to_date, upgrade
from shotline.models import Base, Comment, Person, Preview, Role
from shotline.storage import LocalStore
from tests.databases import IsolatedDatabase
from tests.shotline.crud.support import build_production

runner = CliRunner()


def test_demo_fills_a_new_database_and_refuses_to_overwrite_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'shotline.db'}"
    monkeypatch.setenv("SHOTLINE_PREVIEW_DIR", str(tmp_path / "previews"))

    first = runner.invoke(cli.app, ["demo", "--database-url", url])
    assert first.exit_code == 0, first.output
    # 11,521 rows, and 48 previews whose files (and thumbnails) are stored
    assert "Demo production written: 11,569 rows" in first.output
    assert len(list(LocalStore(tmp_path / "previews").entries())) == 96
    assert "Shots" in first.output

    again = runner.invoke(cli.app, ["demo", "--database-url", url, "--seed", "7"])
    assert again.exit_code == 1
    assert "already holds data" in again.output

    replaced = runner.invoke(cli.app, ["demo", "--database-url", url, "--seed", "7", "--reset"])
    assert replaced.exit_code == 0, replaced.output


def test_unknown_scales_are_rejected(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["demo", "--scale", "huge", "--database-url", "sqlite://"])
    assert result.exit_code == 2


def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shotline.db'}"
    result = runner.invoke(cli.app, ["migrate", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_serve_migrates_then_serves_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(cli.app, ["serve", "--port", "8123"])

    assert result.exit_code == 0, result.output
    app = served["app"]
    assert isinstance(app, FastAPI)
    assert served["port"] == 8123
    engine: Engine = app.state.engine
    assert engine.url.database == "shotline.db"
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    engine.dispose()


def test_serve_with_a_demo_prints_its_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(cli.app, ["serve", "--demo-if-empty", "small"])

    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "admin@shotline.test" in output
    assert "client@shotline.test" in output
    assert "password shotline-demo" in output
    served["app"].state.engine.dispose()


# -- init and create-admin, on every dialect -------------------------------------------


def cli_url(database: IsolatedDatabase) -> str:
    """The database as the command takes it: a URL alone (the PostgreSQL
    namespace travels as the connection's ``options``)."""
    url = database.url
    if database.dialect == "postgresql":
        url = url.update_query_dict({"options": database.connect_args["options"]})
    return url.render_as_string(hide_password=False)


def people(engine: Engine) -> list[tuple[str, str, str, Role, bool]]:
    with Session(engine) as session:
        rows = session.execute(
            select(
                Person.email, Person.first_name, Person.last_name, Person.role, Person.active
            ).order_by(Person.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def password_of(engine: Engine, email: str) -> str | None:
    with Session(engine) as session:
        return session.scalar(select(Person.password_hash).where(Person.email == email))


ADMIN = ["--email", "Ada@Studio.example", "--first-name", "Ada", "--last-name", "Root"]


def test_init_migrates_then_creates_the_first_admin(db: IsolatedDatabase) -> None:
    url = cli_url(db)
    first = runner.invoke(
        cli.app, ["init", "--database-url", url, *ADMIN], input="s3cret-pass\n" * 2
    )
    assert first.exit_code == 0, first.output
    assert "Password: \nRepeat for confirmation: \n" in first.output
    assert "Admin ada@studio.example created." in first.output

    engine = db.engine()
    assert is_up_to_date(engine)
    assert people(engine) == [("ada@studio.example", "Ada", "Root", Role.ADMIN, True)]
    assert verify_password(password_of(engine, "ada@studio.example"), "s3cret-pass")

    # Run again (a deployment script does): the schema is checked, nobody is added.
    again = runner.invoke(cli.app, ["init", "--database-url", url])
    assert again.exit_code == 0, again.output
    assert "has an admin already (ada@studio.example): none created" in " ".join(
        again.output.split()
    )
    assert len(people(engine)) == 1


def test_init_reads_the_environment_and_asks_for_nothing(
    db: IsolatedDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOTLINE_DATABASE_URL", cli_url(db))
    for name, value in [
        ("EMAIL", "ops@studio.example"),
        ("FIRST_NAME", "Ops"),
        ("LAST_NAME", "Team"),
        ("PASSWORD", "from the environment"),
    ]:
        monkeypatch.setenv(f"SHOTLINE_ADMIN_{name}", value)
    result = runner.invoke(cli.app, ["init"], input="")
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output
    engine = db.engine()
    assert people(engine) == [("ops@studio.example", "Ops", "Team", Role.ADMIN, True)]
    assert verify_password(password_of(engine, "ops@studio.example"), "from the environment")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--email", "not an email", "--password", "long enough"], "email: String should match"),
        (
            ["--email", "a@studio.example", "--password", "short"],
            "password: String should have at least 8",
        ),
    ],
)
def test_init_refuses_what_the_api_refuses(
    db: IsolatedDatabase, options: list[str], message: str
) -> None:
    names = ["--first-name", "Ada", "--last-name", "Root"]
    result = runner.invoke(cli.app, ["init", "--database-url", cli_url(db), *names, *options])
    assert result.exit_code == 2
    assert message in result.output
    assert people(db.engine()) == []


def test_create_admin_adds_another_admin(db: IsolatedDatabase) -> None:
    url = cli_url(db)
    runner.invoke(cli.app, ["init", "--database-url", url, *ADMIN, "--password", "first admin"])
    second = [
        "create-admin", "--database-url", url, "--email", "bo@studio.example",
        "--first-name", "Bo", "--last-name", "Second", "--password", "second admin",
    ]  # fmt: skip
    result = runner.invoke(cli.app, second)
    assert result.exit_code == 0, result.output
    assert [row[0] for row in people(db.engine())] == ["ada@studio.example", "bo@studio.example"]

    # An email someone already has is refused; nothing changes.
    before = password_of(db.engine(), "bo@studio.example")
    taken = runner.invoke(cli.app, second)
    assert taken.exit_code == 1
    assert "person email 'bo@studio.example' is already taken" in taken.output
    assert password_of(db.engine(), "bo@studio.example") == before
    assert len(people(db.engine())) == 2


def test_create_admin_needs_a_migrated_database(db: IsolatedDatabase) -> None:
    options = [*ADMIN, "--password", "long enough"]
    result = runner.invoke(cli.app, ["create-admin", "--database-url", cli_url(db), *options])
    assert result.exit_code == 1
    assert "run 'shotline init'" in result.output
    assert inspect(db.engine()).get_table_names() == []


def test_openapi_writes_the_document_only_when_it_changed(tmp_path: Path) -> None:
    printed = runner.invoke(cli.app, ["openapi"])
    assert printed.exit_code == 0, printed.output
    assert '"/api/auth/session"' in printed.output

    target = tmp_path / "openapi.json"
    assert runner.invoke(cli.app, ["openapi", "--output", str(target)]).exit_code == 0
    assert target.read_text() == printed.output
    stale = 1_000_000_000
    os.utime(target, (stale, stale))
    assert runner.invoke(cli.app, ["openapi", "--output", str(target)]).exit_code == 0
    assert target.stat().st_mtime == stale  # unchanged: a build depending on it stays fresh
    target.write_text("{}")
    assert runner.invoke(cli.app, ["openapi", "--output", str(target)]).exit_code == 0
    assert target.read_text() == printed.output


def test_prune_previews_removes_only_old_unused_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'shotline.db'}"
    engine = create_engine(url)
    upgrade(engine)
    prod = build_production(engine)
    store = LocalStore(tmp_path / "previews")
    monkeypatch.setenv("SHOTLINE_PREVIEW_DIR", str(store.root))

    def stored(data: bytes, age: float) -> str:
        incoming = store.receive()
        incoming.write(data)
        incoming.close()
        incoming.keep()
        key = incoming.digest()
        moment = time.time() - age
        os.utime(store.path(key), (moment, moment))
        return key

    used = stored(b"used", 86_400)
    unused = stored(b"unused", 86_400)
    recent = stored(b"recent", 60)
    with Session(engine) as session:
        comment = Comment(task_id=prod.lantern_modeling, person_id=prod.mira, text="v1")
        session.add(comment)
        session.flush()
        session.add(
            Preview(
                comment_id=comment.id, task_id=prod.lantern_modeling, person_id=prod.mira,
                filename="a.png", content_type="image/png", size=4, sha256=used,
            )
        )  # fmt: skip
        session.commit()
    engine.dispose()
    stale = store.receive()
    stale.write(b"half an upload")
    stale.close()
    os.utime(stale.path, (time.time() - 86_400, time.time() - 86_400))
    fresh = store.receive()

    result = CliRunner().invoke(cli.app, ["prune-previews", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "Removed 1 unused files and 1 unfinished uploads." in result.output
    assert sorted(key for key, _ in store.entries()) == sorted([used, recent])
    assert not store.exists(unused)
    assert list(store.tmp.iterdir()) == [fresh.path]
    fresh.discard()
