"""Web speed: the result page of the Commission's filled steel example after its upload, and 20 uploads at once.

Usage:  python benchmarks/serve.py [--example PATH] [--workers 2] [--concurrent 20] [--repeat 5]

Starts `cbam serve` on a free local port (as a user would), waits until it answers, then:
1. uploads the example and follows the redirect to its result page, `--repeat` times: the time from the upload
   having been sent to the result page received (target <= 1.5 s); baseline: `cbam validate` of the same file in
   a fresh process (what a producer waits for on the command line);
2. sends `--concurrent` uploads of the Commission's seven filled examples at once and waits for every result page
   (target: no error). Prints latency percentiles and the wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT.parent / "shared" / "real-world" / "commission-examples"
STEEL = EXAMPLES / "2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx"


def start(workers: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "cbam_exchange", "serve", "--port", str(port), "--workers",
                                str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/", timeout=2)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("cbam serve did not start within 60 s")


async def upload(client: httpx.AsyncClient, url: str, path: Path) -> tuple[float, int]:
    data = path.read_bytes()
    started = time.perf_counter()
    answer = await client.post(url + "/upload", files={"file": (path.name, data)}, follow_redirects=True)
    return time.perf_counter() - started, answer.status_code


async def concurrent(url: str, files: list[Path]) -> list[tuple[float, int]]:
    async with httpx.AsyncClient(timeout=300) as client:
        return await asyncio.gather(*(upload(client, url, f) for f in files))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--example", type=Path, default=STEEL)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.example.exists():
        raise SystemExit(f"{args.example} is missing (the Commission's examples are expected in ../shared)")

    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cbam_exchange", "validate", str(args.example)], capture_output=True)
    baseline = time.perf_counter() - started

    process, url = start(args.workers)
    try:
        asyncio.run(concurrent(url, [args.example]))  # first request after start-up: not measured
        single = [asyncio.run(concurrent(url, [args.example]))[0] for _ in range(args.repeat)]
        times = [t for t, _status in single]
        print(f"result page after upload ({args.example.name}), {args.repeat} runs: median "
              f"{statistics.median(times):.3f} s, max {max(times):.3f} s (target <= 1.5 s); statuses "
              f"{sorted({s for _t, s in single})}")
        print(f"baseline `cbam validate` in a fresh process: {baseline:.3f} s; ratio web/CLI "
              f"{statistics.median(times) / baseline:.2f}")

        examples = sorted(EXAMPLES.glob("*.xlsx"))
        files = [examples[k % len(examples)] for k in range(args.concurrent)]
        wall = time.perf_counter()
        results = asyncio.run(concurrent(url, files))
        wall = time.perf_counter() - wall
        latencies = sorted(t for t, _s in results)
        errors = [s for _t, s in results if s != 200]
        print(f"{args.concurrent} concurrent uploads, {args.workers} workers, {os.cpu_count()} cores: "
              f"{len(errors)} error(s) {errors or ''}; wall {wall:.2f} s; latency p50 "
              f"{statistics.median(latencies):.2f} s, p95 {latencies[int(0.95 * (len(latencies) - 1))]:.2f} s, "
              f"max {latencies[-1]:.2f} s")
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
