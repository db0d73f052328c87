"""Scale-out on a Dask distributed cluster (the optional extra `cbam-exchange[dask]`) for `cbam collect` and
`cbam validate`: the workers get each file's bytes (they need not see the files), read and check them, and send back
the same plain data a local worker would; results are stored or reported here, in the one workspace or report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput

IN_FLIGHT = 64  # files sent ahead of the results: bounded memory whatever the batch size


def client_for(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise UnreadableInput(address, "--scheduler needs Dask", expected="pip install 'cbam-exchange[dask]'") \
            from None
    try:
        return Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise UnreadableInput(address, "cannot reach the Dask scheduler", found=str(exc) or type(exc).__name__,
                              expected="the address of a running scheduler, e.g. tcp://host:8786") from None


def run_on_cluster(address: str, paths: list[Path], work: Callable[..., Any] | None = None) -> Iterator[Any]:
    """`work(name, data, mtime)` for each file on the cluster (default: collect's process_bytes), results in the
    order they finish."""
    from distributed import as_completed

    from cbam_exchange.workspace.collect import process_bytes

    work = work or process_bytes
    client = client_for(address)
    try:
        pending = iter(paths)
        futures = as_completed()
        for path in _take(pending, IN_FLIGHT):
            futures.add(_submit(client, work, path))
        for future in futures:
            yield future.result()
            future.release()
            for path in _take(pending, 1):
                futures.add(_submit(client, work, path))
    finally:
        client.close()


def _take(paths: Iterator[Path], n: int) -> list[Path]:
    return [p for _, p in zip(range(n), paths)]


def _submit(client: Any, work: Callable[..., Any], path: Path) -> Any:
    return client.submit(work, str(path), path.read_bytes(), path.stat().st_mtime, pure=False)


def validate_bytes(name: str, data: bytes, mtime: float, options: tuple[Any, ...]) -> dict[str, Any]:
    """Worker: `cbam validate`'s document for one file sent as bytes, naming the file as the user gave it."""
    import json
    import tempfile

    from cbam_exchange.checks.validate_file import validate_for_batch

    with tempfile.TemporaryDirectory(prefix="cbam-") as tmp:
        target = Path(tmp) / f"file{Path(name).suffix.lower()}"
        target.write_bytes(data)
        document = validate_for_batch((target, *options))
        text = json.dumps(document).replace(json.dumps(str(target))[1:-1], json.dumps(name)[1:-1])
        return json.loads(text)


def validate_on_cluster(address: str, files: list[Path], options: tuple[Any, ...]) -> list[dict[str, Any]]:
    """Documents of every file, in the order given."""
    import functools

    work = functools.partial(validate_bytes, options=options)
    position = {str(f): k for k, f in enumerate(files)}
    documents = list(run_on_cluster(address, files, work))
    return sorted(documents, key=lambda d: position.get(d.get("file", ""), len(files)))
