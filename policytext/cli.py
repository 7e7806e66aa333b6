"""The ``policytext`` command line.

    policytext reproduce [--notebooks DIR]   run every numbered notebook in order, in place
    policytext warm                          build the font and dictionary caches once
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


def _warm(args) -> int:
    import matplotlib.pyplot  # noqa: F401  builds matplotlib's font cache

    from .segment import Segmenter

    Segmenter().cut("预热")  # builds jieba's prefix-dictionary cache
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
    warm = commands.add_parser("warm", help="build the font and dictionary caches")
    warm.set_defaults(run=_warm)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
