"""The ``shotline`` command on a SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, inspect
from typer.testing import CliRunner

from shotline import cli
from shotline.models import Base

runner = CliRunner()


def test_demo_fills_a_new_database_and_refuses_to_overwrite_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shotline.db'}"

    first = runner.invoke(cli.app, ["demo", "--database-url", url])
    assert first.exit_code == 0, first.output
    assert "Demo production written: 10,720 rows" in first.output
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
