"""`cbam serve`: the web page where a producer checks a file before sending it."""

from __future__ import annotations

from pathlib import Path

import click

from cbam_exchange.cli.app import main


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; only this machine by default. 0.0.0.0 exposes the page to the network.")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--workers", type=int, default=0, help="Worker processes checking files (default: one per core).")
@click.option("--max-upload-mb", type=float, default=25.0, show_default=True, help="Largest upload (all files).")
@click.option("--max-files", type=int, default=10, show_default=True, help="Most files in one upload.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds allowed per file.")
@click.option("--workspace", type=click.Path(path_type=Path, file_okay=False),
              help="Keep every upload and its findings in this folder (by default nothing is kept).")
def serve_command(host: str, port: int, workers: int, max_upload_mb: float, max_files: int, timeout: float,
                  workspace: Path | None) -> None:
    """Serve the upload page, the result pages and POST /api/validate (uvicorn)."""
    import os

    import uvicorn

    from cbam_exchange.web.app import Settings, create_app

    settings = Settings(max_upload_mb=max_upload_mb, max_files=max_files, timeout=timeout,
                        workers=workers or os.cpu_count() or 1, workspace=workspace)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"cbam serve: http://{shown}:{port}/ (Ctrl+C stops)", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
