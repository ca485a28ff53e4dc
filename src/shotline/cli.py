"""The ``shotline`` command."""

from __future__ import annotations

import typer
import uvicorn

from shotline.app import create_app

app = typer.Typer(help="Shotline production tracker.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Shotline production tracker."""


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Serve the REST and GraphQL APIs."""
    uvicorn.run(create_app(), host=host, port=port)
