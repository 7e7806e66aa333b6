"""Speed of policytext's snownlp_sentiments against SnowNLP(text).sentiments.

Both run in this one process, on one core, on the same seeded sample of
sentences of the national government work reports; the script checks that the
scores are equal bit for bit and prints the times and their ratio, with and
without the one-time model loading (snownlp loads its models when imported,
policytext on the first call).

The sample is scored in interleaved chunks (snownlp, then policytext, chunk
after chunk) so that both see the same load on a shared machine; times are
CPU seconds of this process (``time.process_time``), wall seconds alongside.

Run: ``.venv/bin/python benchmarks/snownlp_speed.py [n_sentences] [seed]``
"""

import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "data" / "external" / "national-gwr" / "government_work_reports.jsonl"
LICENCE = "本作品是中华人民共和国的"
SENTENCE_END = re.compile(r"(?<=[。！？!?])|\n")
CHUNKS = 10


def national_sample(n: int, seed: int) -> list[str]:
    """A seeded sample of sentences from the national reports (licence notice cut)."""
    sentences = []
    for line in NATIONAL.read_text("utf-8").splitlines():
        record = json.loads(line)
        if record["year"] is not None:
            body = record["content"].split(LICENCE)[0]
            sentences += [s.strip() for s in SENTENCE_END.split(body) if s.strip()]
    return random.Random(seed).sample(sentences, n)


def timed(func, *args):
    """Return ``(result, cpu_seconds, wall_seconds)`` of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = func(*args)
    return result, time.process_time() - cpu, time.perf_counter() - wall


def main(n: int = 1000, seed: int = 2017) -> None:
    texts = national_sample(n, seed)
    chunks = [texts[i::CHUNKS] for i in range(CHUNKS)]

    sys.path.insert(0, str(ROOT))
    from policytext import _snownlp

    _, snow_load, snow_load_wall = timed(__import__, "snownlp")
    from snownlp import SnowNLP

    _, fast_load, fast_load_wall = timed(_snownlp._model)

    def reference(chunk):
        return [SnowNLP(t).sentiments for t in chunk]

    snow = fast = snow_wall = fast_wall = 0.0
    for chunk in chunks:
        expected, cpu, wall = timed(reference, chunk)
        snow, snow_wall = snow + cpu, snow_wall + wall
        got, cpu, wall = timed(_snownlp.snownlp_sentiments, chunk)
        fast, fast_wall = fast + cpu, fast_wall + wall
        if got != expected:
            bad = sum(g != e for g, e in zip(got, expected))
            raise SystemExit(f"MISMATCH: {bad} of {len(chunk)} scores differ")

    print(f"sentences            {n} (seed {seed}, {CHUNKS} interleaved chunks), all equal bit for bit")
    print(f"characters           {sum(map(len, texts))}")
    print(f"snownlp  load (s)    {snow_load:8.3f} cpu {snow_load_wall:8.3f} wall   (import snownlp)")
    print(f"fast     load (s)    {fast_load:8.3f} cpu {fast_load_wall:8.3f} wall   (first call)")
    print(f"snownlp  score (s)   {snow:8.3f} cpu {snow_wall:8.3f} wall")
    print(f"fast     score (s)   {fast:8.3f} cpu {fast_wall:8.3f} wall")
    print(f"ratio, scoring only  {snow / fast:8.1f} cpu {snow_wall / fast_wall:8.1f} wall")
    both = (snow + snow_load) / (fast + fast_load)
    both_wall = (snow_wall + snow_load_wall) / (fast_wall + fast_load_wall)
    print(f"ratio, with loading  {both:8.1f} cpu {both_wall:8.1f} wall")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
