"""The ``policytext`` command line.

    policytext analyze PATH... --out DIR     every stage over documents or corpora, to Parquet
    policytext reproduce [--notebooks DIR]   run every numbered notebook in order, in place
    policytext warm                          build the font, dictionary and model caches once
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["main"]


def _reproduce(args) -> int:
    import nbformat
    from nbclient import NotebookClient

    folder = Path(args.notebooks)
    notebooks = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        sys.stderr.write(f"policytext: no numbered notebooks (NN_name.ipynb) in {folder}\n")
        return 2
    for path in notebooks:
        sys.stdout.write(f"running {path.name}\n")
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=args.timeout, kernel_name="python3",
                                record_timing=False, resources={"metadata": {"path": str(folder)}})
        client.execute()
        nbformat.write(notebook, path)
    return 0


def _analyze(args) -> int:
    from itertools import chain

    from .errors import PolicyTextError
    from .pipeline import analyze

    try:
        result = analyze(chain.from_iterable(_documents(path, args.chunk_size) for path in args.paths),
                         stages=args.stages.split(","), n_jobs=args.jobs,
                         backend=args.backend or ("serial" if args.jobs == 1 else "processes"),
                         chunk_size=args.chunk_size, resume=args.resume, out=args.out,
                         progress=False if args.quiet else None)
    except PolicyTextError as exc:
        sys.stderr.write(f"policytext: {exc}\n")
        return 2
    sizes = ", ".join(f"{name} {len(getattr(result, name)):,}" for name in result.metadata["stages"])
    sys.stdout.write(f"{len(result.metadata['documents'])} documents -> {args.out} ({sizes} rows)\n")
    return 0


def _documents(path: str, chunk_size: int):
    """Documents tables from one PATH argument: a corpus (folder, .jsonl, .csv, .parquet) or a text file."""
    from .io import load_document
    from .pipeline import iter_corpus

    source = Path(path)
    if source.is_dir() or source.suffix.lower() in {".jsonl", ".json", ".csv", ".parquet"}:
        return iter_corpus(source, chunk_size)
    return [load_document(source)]


ANALYZE_HELP = """\
Run every analysis stage over one or more documents or corpora and write the tables
as Parquet files to DIR, with DIR/metadata.json recording the policytext, jieba and
snownlp versions, the dictionary, codebook and model versions and hashes, and the
sha256 of every input document, so that a result can be cited and reproduced.

PATH can be a text file (.txt, any Chinese encoding), a folder of .txt files, or a
.jsonl, .csv or .parquet file with one document per row (column text or content).
Read the result in Python with policytext.read_analysis(DIR).

DIR is replaced only when the run has finished; an interrupted run leaves the previous
result intact and keeps its finished chunks in DIR/.partial, which --resume reuses.

example:
  policytext analyze data/external/national-gwr/government_work_reports.jsonl \\
      --out results/national --jobs 2 --backend processes
"""


def _warm(args) -> int:
    import matplotlib.pyplot  # noqa: F401  builds matplotlib's font cache

    from ._snownlp import snownlp_sentiments
    from .segment import Segmenter

    Segmenter().cut("预热")  # builds the cached dictionary automaton (and jieba's prefix dictionary)
    snownlp_sentiments(["预热"])  # builds the cached snownlp segmentation tables
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policytext", description=(
        "Quantitative analysis of Chinese policy texts. "
        "Run 'policytext COMMAND --help' for a command's options."))
    commands = parser.add_subparsers(dest="command", required=True)
    reproduce = commands.add_parser("reproduce", help="run every numbered notebook in order, in place "
                                    "(writes results/)")
    reproduce.add_argument("--notebooks", default="notebooks", help="folder of NN_*.ipynb (default: notebooks)")
    reproduce.add_argument("--timeout", type=int, default=1800, help="seconds a cell may take (default 1800)")
    reproduce.set_defaults(run=_reproduce)
    analyze = commands.add_parser("analyze", help="every stage over documents or corpora, written to Parquet",
                                  description=ANALYZE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    analyze.add_argument("paths", nargs="+", metavar="PATH",
                         help="a text file, a folder of .txt files, or a .jsonl/.csv/.parquet corpus")
    analyze.add_argument("--out", required=True, metavar="DIR", help="folder for the Parquet tables and metadata.json")
    analyze.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    analyze.add_argument("--backend", choices=["serial", "processes", "dask"], default=None,
                         help="where the work runs: this process (serial, the default for --jobs 1), "
                         "a local process pool (processes, the default for --jobs > 1), or a Dask "
                         "LocalCluster (dask; needs policytext[dask])")
    analyze.add_argument("--stages", default="units,tokens,themes,tone,targets",
                         help="comma-separated stages (default: all): units (sentences and outline), tokens "
                         "(jieba words), themes (五位一体 and policy-instrument codebooks), tone (policy model "
                         "and snownlp sentiment), targets (quantities and commitments)")
    analyze.add_argument("--chunk-size", type=int, default=16, metavar="N",
                         help="documents per chunk: the unit of work and of --resume; memory grows with it "
                         "(default 16)")
    analyze.add_argument("--resume", action="store_true",
                         help="reuse the chunks an interrupted run on the same input finished")
    analyze.add_argument("--quiet", action="store_true", help="no progress bar (it shows only on a terminal anyway)")
    analyze.set_defaults(run=_analyze)
    warm = commands.add_parser("warm", help="build the font, dictionary and model caches")
    warm.set_defaults(run=_warm)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
