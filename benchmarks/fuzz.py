"""Fuzz the readers and the parser with a fixed number of mutations of the real corpus.

Each input is a real report (tests/fixtures: the sample, the nine real openings, the two real PDFs as
extracted) with 1-5 mutations (shuffle, duplicate, delete, cut, huge numbers, noise, joined/split lines,
broken grids, grids pasted as text); one in four is then written out as text or broken HTML in a random
encoding with flipped or cut bytes and read back through `read_bytes`. An input crashes when anything but
ReadError escapes, when it takes longer than --timeout seconds, or when the report holds a number the input
does not (see tests/robustness/robust_mutations.py).

Run: python benchmarks/fuzz.py [--inputs 10000] [--seed 0]
Prints `crashes=0 inputs=10000 ...`; exits 1 when anything crashed, with the inputs to reproduce it.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "robustness"))

from robust_mutations import MUTATIONS, as_bytes, check_parse, corpus, mutate, parse_bytes  # noqa: E402


class Hang(Exception):
    pass


def _alarm(*_: object) -> None:
    raise Hang


def run_one(docs: tuple, rng: random.Random, timeout: int) -> str:
    """One mutated input: 'ok', 'refused' (ReadError) or raises."""
    doc = rng.choice(docs)
    ops = [(rng.choice(sorted(MUTATIONS)), rng.randrange(2**32)) for _ in range(rng.randint(1, 5))]
    as_file = rng.random() < 0.25
    file_seed = rng.randrange(2**32)
    signal.alarm(timeout)
    try:
        mutated = mutate(doc, ops)
        if as_file:
            document, _ = parse_bytes(*as_bytes(mutated, random.Random(file_seed)))
            return "refused" if document is None else "ok"
        check_parse(mutated)
        return "ok"
    except Exception as exc:
        exc.add_note(f"input: {doc.name} ops={ops} as_file={as_file} file_seed={file_seed}")
        raise
    finally:
        signal.alarm(0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    docs = corpus()
    rng = random.Random(args.seed)
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    slowest = 0.0
    start = time.perf_counter()
    for _ in range(args.inputs):
        began = time.perf_counter()
        try:
            outcomes[run_one(docs, rng, args.timeout)] += 1
        except Exception as exc:  # noqa: BLE001 - every escape (a Violation, a Hang, a bug) is a crash
            outcomes["crash"] += 1
            failures.append("".join(traceback.format_exception(exc))[-1500:])
        slowest = max(slowest, time.perf_counter() - began)
    seconds = time.perf_counter() - start
    print(
        f"crashes={outcomes['crash']} inputs={args.inputs} parsed={outcomes['ok']} refused={outcomes['refused']} "
        f"corpus={len(docs)} seconds={seconds:.1f} per_input_ms={1000 * seconds / args.inputs:.1f} "
        f"slowest_ms={1000 * slowest:.0f}"
    )
    for failure in failures[:5]:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
