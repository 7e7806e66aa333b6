"""Speed and memory of ``policytext.analyze`` on a large corpus, against the baselines.

The corpus is the national government work reports (1954–2025) repeated until it holds
``--chars`` characters (10 million by default); each copy gets its own doc_id. One run
measures, side by side:

(a) the full pipeline (units, tokens, themes, tone incl. snownlp scores, targets) on one
    core, against bare ``jieba.lcut`` over the same texts;
(b) against the naive loop a researcher writes today (``jieba.lcut`` and
    ``SnowNLP(s).sentiments`` for every sentence). That loop takes hours on 10 million
    characters, so it is timed on ``--sample`` characters (spread over the years, see
    below) and scaled linearly to the corpus size — the output says so;
(c) ``policytext analyze CORPUS --out DIR --jobs 2`` against ``--jobs 1``: the command a
    researcher runs, each in a fresh process, wall time from launch to the finished result
    (start-up, model loading, reading the corpus and writing Parquet included in both), and
    the CPU time the processes used, to tell slow workers from a busy machine;
(d) peak resident memory of the largest process of the two command runs, and of this
    process up to the end of its serial run (``ru_maxrss``; this process also holds jieba's
    and SnowNLP's own models, loaded for the baselines). Linux counts, in a child's
    ``ru_maxrss``, the memory of the parent that started it, so the command runs come first,
    while this process is small (its size then is printed; before 2026-11-27 they ran last
    and (d) showed this process's memory instead: 1.8 GB where the commands peaked at 1.4).

snownlp-compatible scoring caches segmented runs of characters, and a corpus made of
copies repeats every run, so on the repeated corpus (a) and (b) flatter the pipeline.
They are therefore also measured, first and in the same process, on one copy of the
national reports alone (about 1.1 million characters, nothing repeated across
documents): (a') and (b') — read those as the figures for a corpus of distinct texts.
The copy is cut into ``--parts`` parts of whole documents (3 by default, in corpus order:
the newest reports first); on each part the pipeline, bare jieba and the naive loop (on
the part's first ``--sample / parts`` characters, scaled to the part) run back to back,
so the two sides of each ratio are timed within seconds of each other. (a') and (b') are
the medians of the parts' ratios, by the CPU time of this process (what one core spent;
on this shared machine wall time also counts waiting for other people's jobs) and by
wall time; the totals are shown.

Model loading is done once before the timings (a warm-up) and reported on its own.
Pipeline results go to Parquet folders in a temporary directory (``out=``), as a
corpus run would. ``--profile N`` instead runs cProfile over the serial pipeline on
the first N characters and prints where the time goes.

Run: ``.venv/bin/python benchmarks/pipeline.py [--chars N] [--sample N] [--stages a,b] [--profile N]``
"""

import argparse
import cProfile
import inspect
import os
import platform
import pstats
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import policytext as pt
from policytext.pipeline import STAGES, analyze

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "data" / "external" / "national-gwr" / "government_work_reports.jsonl"
SENTENCE = re.compile(r"(?<=[。！？])|\n")


def corpus(chars: int) -> pd.DataFrame:
    """The national reports (NPC resolutions left out) repeated to at least ``chars`` characters."""
    reports = pt.load_corpus(NATIONAL)
    reports = reports[reports["year"].notna()].reset_index(drop=True)
    copies, total = [], 0
    while total < chars:
        for row in reports.to_dict("records"):
            copies.append({**row, "doc_id": f"{row['doc_id']}-copy{len(copies) // len(reports):03d}"})
            total += len(row["text"])
            if total >= chars:
                break
    return pd.DataFrame(copies)


def head_chars(docs: pd.DataFrame, chars: int) -> pd.DataFrame:
    """The first ``chars`` characters of the corpus, as a documents table (last text cut)."""
    rows, total = [], 0
    for row in docs.to_dict("records"):
        rows.append({**row, "text": row["text"][:chars - total]})
        total += len(rows[-1]["text"])
        if total >= chars:
            break
    return pd.DataFrame(rows)


def timed(func, *args, **kwargs):
    """``(result, wall seconds, CPU seconds of this process)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def bare_jieba(texts):
    import jieba

    return sum(len(jieba.lcut(text)) for text in texts)


def naive_loop(texts):
    """What a researcher writes today: jieba and SnowNLP, sentence by sentence."""
    import jieba
    from snownlp import SnowNLP

    scores = []
    for text in texts:
        for sentence in SENTENCE.split(text):
            if sentence.strip():
                jieba.lcut(sentence)
                scores.append(SnowNLP(sentence).sentiments)
    return len(scores)


def split_documents(docs: pd.DataFrame, parts: int) -> list[pd.DataFrame]:
    """``docs`` cut, in order, into ``parts`` runs of whole documents of about equal characters."""
    sizes = docs["text"].str.len()
    part_of = ((sizes.cumsum() - sizes) * parts // sizes.sum()).astype(int)  # by where a document starts
    return [docs[part_of == i].reset_index(drop=True) for i in range(parts) if (part_of == i).any()]


def distinct_parts(distinct: pd.DataFrame, parts: int, sample: int, run: dict) -> dict:
    """(a') and (b'): pipeline, bare jieba and naive loop back to back on each part of one copy.

    Returns the medians of the parts' ratios, by CPU time of this process and by wall time,
    and the naive loop's time scaled to the whole copy (CPU), for (b).
    """
    ratios = {"a": [], "b": [], "a wall": [], "b wall": []}
    totals = dict.fromkeys(["pipeline", "jieba", "naive"], 0.0)
    print(f"one copy ({len(distinct)} documents, {int(distinct['text'].str.len().sum()):,} characters, "
          f"no text repeated), in {parts} parts, each timed back to back (CPU s / wall s):")
    for i, part in enumerate(split_documents(distinct, parts)):
        chars = int(part["text"].str.len().sum())
        with tempfile.TemporaryDirectory() as tmp:
            _, wall_pipeline, cpu_pipeline = timed(analyze, part, out=Path(tmp) / "part", **run)
        _, wall_jieba, cpu_jieba = timed(bare_jieba, part["text"])
        head = head_chars(part, sample // parts)
        sentences, wall_head, cpu_head = timed(naive_loop, head["text"])
        scale = chars / int(head["text"].str.len().sum())
        ratios["a"].append(cpu_pipeline / cpu_jieba)
        ratios["b"].append(cpu_head * scale / cpu_pipeline)
        ratios["a wall"].append(wall_pipeline / wall_jieba)
        ratios["b wall"].append(wall_head * scale / wall_pipeline)
        for name, value in (("pipeline", cpu_pipeline), ("jieba", cpu_jieba), ("naive", cpu_head * scale)):
            totals[name] += value
        print(f"  part {i + 1} ({part['year'].iloc[0]}–{part['year'].iloc[-1]}, {len(part)} documents, "
              f"{chars:,} characters): pipeline {cpu_pipeline:.1f} / {wall_pipeline:.1f}, bare jieba "
              f"{cpu_jieba:.1f} / {wall_jieba:.1f}, naive loop {cpu_head:.1f} / {wall_head:.1f} on "
              f"{sample // parts:,} characters ({sentences:,} sentences), x {scale:.1f} scaled; ratios (a') "
              f"{ratios['a'][-1]:.2f}x (b') {ratios['b'][-1]:.1f}x")
    print(f"  all parts (CPU): pipeline {totals['pipeline']:.1f} s, bare jieba {totals['jieba']:.1f} s "
          f"({totals['pipeline'] / totals['jieba']:.2f}x), naive loop {totals['naive']:,.0f} s scaled "
          f"({totals['naive'] / totals['pipeline']:.1f}x)")
    return {**{key: statistics.median(values) for key, values in ratios.items()}, "naive": totals["naive"]}


def cli_run(corpus_file: Path, out: Path, jobs: int, stages, chunk_size: int) -> tuple[float, float]:
    """``policytext analyze`` in a fresh process: (wall seconds, CPU seconds of it and its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run([sys.executable, "-m", "policytext.cli", "analyze", str(corpus_file), "--out", str(out),
                    "--jobs", str(jobs), "--stages", ",".join(stages), "--chunk-size", str(chunk_size), "--quiet"],
                   check=True)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def max_rss_mb(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def profile(docs: pd.DataFrame, stages) -> None:
    analyze(head_chars(docs, 500), stages=stages, progress=False)  # warm-up: load the models
    profiler = cProfile.Profile()
    profiler.runcall(analyze, docs, stages=stages, progress=False)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"policytext|jieba", 35)
    stats.sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=10_000_000, help="corpus size in characters")
    parser.add_argument("--sample", type=int, default=200_000, help="characters timed for the naive loop")
    parser.add_argument("--stages", default=",".join(STAGES), help="pipeline stages (default: all)")
    parser.add_argument("--chunk-size", type=int, default=inspect.signature(analyze).parameters["chunk_size"].default,
                        help="documents per chunk (default: analyze's)")
    parser.add_argument("--parts", type=int, default=3, help="parts of the one copy for (a') and (b') (default 3)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile the serial run on N chars")
    args = parser.parse_args()
    stages = args.stages.split(",")
    docs = corpus(max(args.chars, args.profile))
    if args.profile:
        profile(head_chars(docs, args.profile), stages)
        return
    n_chars = int(docs["text"].str.len().sum())
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"corpus: {len(docs)} documents, {n_chars:,} characters (national reports repeated); "
          f"stages {', '.join(stages)}; chunks of {args.chunk_size} documents")

    with tempfile.TemporaryDirectory() as tmp:  # first, while this process is small (see (d))
        corpus_file = Path(tmp) / "corpus.parquet"
        docs.to_parquet(corpus_file, index=False)
        rss_before = max_rss_mb(resource.RUSAGE_SELF)
        cli = {jobs: cli_run(corpus_file, Path(tmp) / f"cli{jobs}", jobs, stages, args.chunk_size) for jobs in (1, 2)}
        for jobs, (wall, cpu) in cli.items():
            print(f"policytext analyze --jobs {jobs}:     {wall:8.1f} s wall {cpu:8.1f} s CPU (fresh processes)")
    rss_children = max_rss_mb(resource.RUSAGE_CHILDREN)
    t_cli_one, t_cli_two = cli[1][0], cli[2][0]

    _, load, _ = timed(analyze, head_chars(docs, 500), stages=stages, progress=False)
    print(f"one-time model loading in this process (warm-up, not counted below): {load:.1f} s")
    import jieba
    jieba.setLogLevel(60)
    jieba.initialize()
    run = dict(stages=stages, chunk_size=args.chunk_size, progress=False)
    distinct = docs[docs["doc_id"].str.endswith("-copy000")].reset_index(drop=True)
    naive_loop(["预热。"])  # imports snownlp, which loads its models
    first = distinct_parts(distinct, args.parts, args.sample, run)
    with tempfile.TemporaryDirectory() as tmp:
        res, t_one, c_one = timed(analyze, docs, out=Path(tmp) / "one", **run)
        rss_self = max_rss_mb(resource.RUSAGE_SELF)  # jieba's and SnowNLP's own models included
        print(f"pipeline, 1 core (serial):          {t_one:8.1f} s wall {c_one:8.1f} s CPU "
              f"({len(res.units):,} units, {len(res.tokens) if res.tokens is not None else 0:,} tokens)")
        del res

    words, t_jieba, c_jieba = timed(bare_jieba, docs["text"])
    print(f"bare jieba.lcut:                    {t_jieba:8.1f} s wall {c_jieba:8.1f} s CPU ({words:,} words)")

    n_distinct = int(distinct["text"].str.len().sum())
    t_naive = first["naive"] * n_chars / n_distinct
    print(f"naive loop, from its timings on the parts of the one copy, scaled to {n_chars:,} characters: "
          f"{t_naive:,.0f} s (estimate, not measured)")

    print("\nratios (goal in brackets):")
    print(f"(a') one copy, median of the parts: pipeline / bare jieba: {first['a']:6.2f}x CPU, "
          f"{first['a wall']:.2f}x wall  [<= 3]")
    print(f"(b') one copy, median of the parts: naive loop (scaled) / pipeline: {first['b']:6.1f}x CPU, "
          f"{first['b wall']:.1f}x wall  [>= 30]")
    print(f"(a) pipeline on 1 core / bare jieba:        {t_one / t_jieba:6.2f}x wall, {c_one / c_jieba:.2f}x CPU  [<= 3]")
    print(f"(b) naive loop (scaled) / pipeline 1 core:  {t_naive / c_one:6.1f}x CPU  [>= 30]")
    print(f"(c) analyze --jobs 1 / --jobs 2 (wall):     {t_cli_one / t_cli_two:6.2f}x  [>= 1.7]")
    print(f"(d) peak RSS: largest process of the command runs {rss_children:,.0f} MB (this process held "
          f"{rss_before:,.0f} MB when it started them); this process {rss_self:,.0f} MB (serial run; "
          f"baselines' models included)  [< 2048 MB]")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (the machine is shared; ratios move with it)")


if __name__ == "__main__":
    main()
