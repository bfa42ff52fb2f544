"""A district of any size, streamed unit by unit and optionally written by several processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .generator import Generator, Manifest
from .render import render


def generate_corpus(
    out_dir: Path,
    units: int,
    years: tuple[int, int] = (2019, 2025),
    seed: int = 7,
    formats: tuple[str, ...] = ("txt",),
    district: str = "示例区",
    per_kind: int | None = None,
    workers: int = 1,
) -> Manifest:
    """Any number of units, streamed unit by unit (memory stays flat); writes manifest.json at the end.

    With `workers` > 1 contiguous blocks of units are written by separate processes; the files and the
    manifest are the same as with one worker.
    """
    n_years = years[1] - years[0] + 1
    args = (units, years, seed, tuple(formats), per_kind or max(2, units * n_years // 500))
    gen = Generator(*args)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = gen.manifest(district)
    step = -(-units // max(1, workers))
    blocks = [(start, min(units, start + step)) for start in range(0, units, step)]
    if workers > 1 and len(blocks) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_write_units, [(args, out_dir, lo, hi) for lo, hi in blocks])
            manifest.files = [entry for entries in results for entry in entries]
    else:
        manifest.files = _write_units((args, out_dir, 0, units), gen)
    manifest.anomalies = gen.anomalies()
    manifest.write(out_dir / "manifest.json")
    manifest.write_units_csv(out_dir / "units.csv")
    return manifest


def _write_units(job: tuple, gen: Generator | None = None) -> list[dict[str, Any]]:
    """Write the reports of units lo..hi-1; returns their manifest file entries in order."""
    args, out_dir, lo, hi = job
    gen = gen or Generator(*args)
    entries: list[dict[str, Any]] = []
    previous = gen.unit_items(lo - 1) if lo > 0 else {}  # a neighbour's text may be copied across blocks
    for u in range(lo, hi):
        current = gen.unit_items(u)
        gen.apply_text_reuse({u - 1: previous, u: current}, u)
        for item in current.values():
            if item.kind != "missing_report":
                planned = gen.planned(item)
                (out_dir / planned.name).write_bytes(render(planned.report, planned.layout))
                entries.append(planned.entry())
        previous = current
    return entries
