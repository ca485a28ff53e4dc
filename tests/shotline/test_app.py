from fastapi.testclient import TestClient
from sqlalchemy import Engine

from shotline.app import create_app
from shotline.settings import Settings


def test_healthz_reports_its_statements(engine: Engine) -> None:
    response = TestClient(create_app(engine)).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["server-timing"] == 'db;dur=0.00;desc="0 statements"'


def test_server_timing_can_be_turned_off(engine: Engine) -> None:
    response = TestClient(create_app(engine, Settings(server_timing=False))).get("/healthz")
    assert "server-timing" not in response.headers
