"""Every stage over a corpus: serial, local processes or Dask; Parquet out; resumable.

:func:`analyze` cuts a corpus into chunks of documents and runs, chunk by chunk, the
stages ``units`` → ``tokens``, ``themes``, ``tone``, ``targets``. Each worker process
builds its segmenter and codebooks once (:func:`_tools`, cached per process), and within
a chunk every unit is segmented by jieba once: the tokens, themes and policy-tone stages
share the cut (:class:`_SharedCuts`). Rows come out in document order, then ``unit_id``,
whatever the backend and the number of workers.

On disk (:meth:`Analysis.to_parquet`, or ``analyze(..., out=folder)``)::

    folder/metadata.json               versions, resources and their hashes, input sha256s,
                                       stages, settings (sorted keys, no time, no paths)
    folder/<table>/part-00000.parquet  one part per chunk of documents (or one in all)
    folder/.partial/<key>/             chunks finished by an unfinished run (resume)

``metadata.json`` also lists each part's chunk key (a hash of its doc_ids, sha256s and
the provenance), which is how ``resume=True`` recognises work already done.

A result folder is replaced only when the new one is complete (written beside it, then
renamed into place), so an interrupted run leaves the previous result readable; with
``resume=True`` the chunks it finished are not computed again.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ._resources import gc_paused
from .errors import InputError
from .io import _table_documents, as_documents, load_document

__all__ = ["STAGES", "Analysis", "analyze", "read_analysis", "iter_corpus"]

STAGES = ("units", "tokens", "themes", "tone", "targets")
TABLES = ("documents",) + STAGES
METADATA = "metadata.json"
PARTIAL = ".partial"
_FORMAT = 1  # version of the on-disk layout


@dataclass(frozen=True)
class _Settings:
    """What shapes the tables besides the stages (recorded in ``metadata.json``)."""

    codebooks: tuple[str, ...] = ("five_in_one", "policy_instruments")
    tone_methods: tuple[str, ...] = ("policy", "snownlp")
    chunk_size: int = 16


# ---------------------------------------------------------------- the result


class _Table:
    """An :class:`Analysis` attribute: a DataFrame, read from its Parquet parts on first use."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        table = obj._tables.get(self.name)
        if isinstance(table, Path):
            table = obj._tables[self.name] = _read_parts(table)
        return table


class Analysis:
    """The tables of one :func:`analyze` run and what produced them.

    Attributes:
        documents: the documents table (doc_id, title, year, region, source, text, sha256).
        units, tokens, themes, tone, targets: the stage tables (see each stage's function);
            ``None`` for a stage that was not run. ``themes`` holds one block of rows per
            codebook, ``tone`` one row per unit and method.
        metadata: dict — policytext and library versions, segmenter, codebooks, models and
            their hashes, input doc_ids and sha256s, stages and settings.

    Example:
        >>> res = analyze("一、工作回顾\\n今年完成投资10亿元。", stages=("units", "targets"))
        >>> res.targets.surface.tolist(), res.tokens is None
        (['10亿元'], True)
    """

    documents = _Table()
    units = _Table()
    tokens = _Table()
    themes = _Table()
    tone = _Table()
    targets = _Table()

    def __init__(self, tables: dict, metadata: dict):
        self._tables = dict(tables)
        self.metadata = metadata

    def __repr__(self) -> str:
        stages = ", ".join(self.metadata.get("stages", []))
        return f"<Analysis of {len(self.metadata.get('documents', []))} documents: {stages}>"

    def to_parquet(self, folder: str | Path) -> Path:
        """Write every table (``folder/<table>/part-00000.parquet``) and ``metadata.json``.

        The folder is written beside its final place and renamed into it, replacing a
        previous result only once the new one is complete.

        Returns:
            The folder.
        """
        def fill(tmp: Path) -> None:
            for name in TABLES:
                table = getattr(self, name)
                if table is not None:
                    _write_parquet(table, tmp / name / "part-00000.parquet")
            _write_metadata(tmp, self.metadata)

        return _replace_folder(Path(folder), fill)


def read_analysis(folder: str | Path) -> Analysis:
    """Reopen a result written by :meth:`Analysis.to_parquet` or ``analyze(out=...)``.

    Tables are read on first use.

    Raises:
        InputError: the folder has no ``metadata.json`` (not a result, or a run that did not finish).

    Example:
        >>> res = read_analysis("results/corpus")  # doctest: +SKIP
        >>> res.metadata["stages"]  # doctest: +SKIP
        ['units', 'tokens', 'themes', 'tone', 'targets']
    """
    folder = Path(folder)
    path = folder / METADATA
    if not path.is_file():
        raise InputError(f"{folder}: no {METADATA} — not an analysis result, or its run did not "
                         "finish (rerun analyze with resume=True)")
    metadata = json.loads(path.read_text(encoding="utf-8"))
    names = ["documents", *metadata["stages"]]
    return Analysis({name: folder / name for name in names}, metadata)


# ---------------------------------------------------------------- the run


def analyze(docs, *, stages: Iterable[str] = STAGES, n_jobs: int = 1,
            backend: Literal["serial", "processes", "dask"] = "serial", chunk_size: int = 16,
            codebooks: Iterable[str] = _Settings.codebooks, tone_methods: Iterable[str] = _Settings.tone_methods,
            progress: bool | None = None, resume: bool = False, out: str | Path | None = None,
            client=None) -> Analysis:
    """Run the stages over a corpus, chunk of documents by chunk of documents.

    Args:
        docs: a documents table (:func:`policytext.load_corpus`), a path, a ``str`` of text,
            or an iterable of documents tables (e.g. :func:`iter_corpus`) to stream a corpus
            larger than memory.
        stages: any of ``units tokens themes tone targets`` (``units`` is always run).
        n_jobs: worker processes (``processes`` and ``dask`` backends).
        backend: ``"serial"`` (this process), ``"processes"`` (a spawn-context process pool)
            or ``"dask"`` (``client``, else a new LocalCluster of
            ``n_jobs`` single-threaded worker processes, closed at the end).
        chunk_size: documents per chunk — the unit of work, of progress and of resuming.
            Memory grows with it, not with the corpus, when ``out`` is given.
        codebooks: codebooks of the themes stage.
        tone_methods: methods of the tone stage (``policy``, ``snownlp``).
        progress: show a tqdm progress bar (default: only when stderr is a terminal).
        resume: with ``out``, reuse the chunks an earlier run finished — an interrupted
            run's, or those of the result already in ``out`` (so documents appended to a
            corpus are the only ones computed). A chunk is reused when its doc_ids and
            sha256s, the stages, settings and resource versions all match.
        out: write the result to this folder (see the module docstring); the returned
            :class:`Analysis` then reads its tables from there.
        client: a ``dask.distributed.Client``, or a cluster (``LocalCluster``, a dask-jobqueue
            cluster, ...) to connect to, for ``backend="dask"``.

    Returns:
        An :class:`Analysis`; rows in document order, then unit_id.

    Raises:
        InputError: unknown stage or backend, repeated doc_id, bad input.

    Example:
        >>> res = analyze("一、工作回顾\\n今年完成投资10亿元。", stages=("units", "tokens"))
        >>> res.tokens.word.tolist()[:4]
        ['一', '、', '工作', '回顾']
    """
    stages = _check_stages(stages)
    settings = _Settings(tuple(codebooks), tuple(tone_methods), int(chunk_size))
    _check_run(settings, backend, n_jobs, resume, out)
    provenance = _provenance(stages, settings)
    run = _Run(stages, settings, provenance, Path(out) if out is not None else None, resume,
               workers_write=backend != "dask")
    chunks = _chunks(docs, settings.chunk_size)
    with _Backend(backend, n_jobs, client) as submit, _progress_bar(progress, docs) as bar:
        ahead = 1 if backend == "serial" else 2 * n_jobs  # chunks in flight
        for docs_chunk, tables in _in_order(chunks, run, submit, ahead):
            run.add(docs_chunk, tables)
            bar.update(len(docs_chunk))
    return run.finish()


def _check_stages(stages: Iterable[str]) -> tuple[str, ...]:
    stages = set(stages) if not isinstance(stages, str) else {stages}
    unknown = sorted(stages - set(STAGES))
    if unknown:
        raise InputError(f"analyze: unknown stage(s) {unknown}; choose from {list(STAGES)}")
    return tuple(s for s in STAGES if s in stages or s == "units")


def _check_run(settings: _Settings, backend: str, n_jobs: int, resume: bool, out) -> None:
    if backend not in ("serial", "processes", "dask"):
        raise InputError(f"analyze: unknown backend {backend!r}; use 'serial', 'processes' or 'dask'")
    if n_jobs < 1 or settings.chunk_size < 1:
        raise InputError(f"analyze: n_jobs ({n_jobs}) and chunk_size ({settings.chunk_size}) must be >= 1")
    if resume and out is None:
        raise InputError("analyze: resume=True needs out=FOLDER (where the finished chunks are kept)")
    bad = sorted(set(settings.tone_methods) - {"policy", "snownlp"})
    if bad:
        raise InputError(f"analyze: unknown tone method(s) {bad}; use 'policy' and/or 'snownlp'")


def _provenance(stages: tuple[str, ...], settings: _Settings) -> dict:
    """Versions and hashes of everything that shapes the tables, read in this process."""
    from . import __version__
    from .provenance import versions
    from .segment import Segmenter

    record = {"policytext": __version__, "stages": list(stages), "settings": asdict(settings),
              "format": _FORMAT,
              "versions": dict(versions().itertuples(index=False)),
              "resources": {"segmenter": Segmenter().info}}
    if "themes" in stages:
        codebooks = _tools(settings).codebooks
        record["resources"]["codebooks"] = {name: cb.label for name, cb in zip(settings.codebooks, codebooks)}
    if "tone" in stages and "policy" in settings.tone_methods:
        from .sentiment import MODEL_FILE, shipped_model, tone_lexicon

        record["resources"]["tone_model"] = f"{MODEL_FILE} v{shipped_model()[1].get('version', '?')}"
        record["resources"]["tone_lexicon"] = tone_lexicon().label
    if "targets" in stages:
        from .targets import numeral_slogans

        record["resources"]["numeral_slogans"] = numeral_slogans().label
    return record


def _chunks(docs, size: int) -> Iterator[pd.DataFrame]:
    """Documents tables of at most ``size`` rows, in order; doc_ids checked unique."""
    tables = [as_documents(docs)] if isinstance(docs, (pd.DataFrame, str, Path)) else docs
    seen: set[str] = set()
    for table in tables:
        table = as_documents(table)
        repeated = sorted(set(table["doc_id"]) & seen)
        if repeated:
            raise InputError(f"analyze: doc_id values must be unique across the corpus; repeated: {repeated[:5]}")
        seen.update(table["doc_id"])
        for start in range(0, len(table), size):
            yield table.iloc[start:start + size].reset_index(drop=True)


def _chunk_key(docs: pd.DataFrame, provenance: dict) -> str:
    """A name for a chunk's results: its documents (doc_id, sha256) and everything that shaped them."""
    record = {"docs": docs[["doc_id", "sha256"]].values.tolist(), "provenance": provenance}
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode("utf-8")).hexdigest()[:24]


def _in_order(chunks: Iterator[pd.DataFrame], run: _Run, submit, ahead: int):
    """Yield ``(docs, tables)`` per chunk in input order, at most ``ahead`` chunks in flight."""
    pending: deque = deque()
    for docs in chunks:
        done = run.finished(docs)
        pending.append((docs, done if done is not None else submit(*run.job(docs))))
        if len(pending) >= ahead:
            yield _result(pending.popleft())
    while pending:
        yield _result(pending.popleft())


def _result(item) -> tuple[pd.DataFrame, dict]:
    docs, job = item
    return docs, job if isinstance(job, dict) else job.result()


class _Run:
    """Collects chunk results in memory, or on disk under ``out/.partial`` when ``out`` is given.

    With ``workers_write`` each chunk is written to disk by the process that computed it
    (serial and process-pool backends share this machine's disk), so the tables never
    travel back to this process; Dask workers, which may run elsewhere, send them back.
    """

    def __init__(self, stages, settings, provenance, out: Path | None, resume: bool, *, workers_write: bool):
        self.stages, self.settings, self.provenance, self.out = stages, settings, provenance, out
        self.workers_write = workers_write and out is not None
        self.keys: list[str] = []
        self.frames: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
        self.inputs: list[list[str]] = []
        self.earlier: dict[str, int] = {}  # chunk key -> part number in the finished result in ``out``
        if out is not None:
            self.partial = out / PARTIAL
            if not resume and self.partial.exists():
                shutil.rmtree(self.partial)
            self.partial.mkdir(parents=True, exist_ok=True)
            if resume and (out / METADATA).is_file():
                chunks = json.loads((out / METADATA).read_text(encoding="utf-8")).get("chunks", [])
                self.earlier = {key: i for i, key in enumerate(chunks)}

    def finished(self, docs: pd.DataFrame) -> dict | None:
        """``{}`` for a chunk an earlier run finished (its tables stay on disk), else ``None``."""
        if self.out is None:
            return None
        key = _chunk_key(docs, self.provenance)
        return {} if key in self.earlier or (self.partial / key / "done").is_file() else None

    def job(self, docs: pd.DataFrame) -> tuple:
        """``(function, *args)`` that computes a chunk: its tables, or ``{}`` once written to disk."""
        if self.workers_write:
            folder = self.partial / _chunk_key(docs, self.provenance)
            return _chunk_to_folder, docs, self.stages, self.settings, folder
        return _chunk_tables, docs, self.stages, self.settings

    def _chunk_file(self, key: str, name: str) -> Path:
        if key in self.earlier:
            return self.out / name / f"part-{self.earlier[key]:05d}.parquet"
        return self.partial / key / f"{name}.parquet"

    def add(self, docs: pd.DataFrame, tables: dict) -> None:
        self.inputs.extend(docs[["doc_id", "sha256"]].values.tolist())
        if self.out is None:
            for name, table in {"documents": docs, **tables}.items():
                self.frames[name].append(table)
            return
        key = _chunk_key(docs, self.provenance)
        self.keys.append(key)
        if tables:  # sent back by a Dask worker; chunks written by their worker, or found on disk, come as {}
            _write_chunk(self.partial / key, {"documents": docs, **tables})

    def metadata(self) -> dict:
        chunks = {"chunks": self.keys} if self.out is not None else {}
        return {**self.provenance, "documents": self.inputs, **chunks}

    def finish(self) -> Analysis:
        if self.out is None:
            tables = {name: _concat(self.frames[name]) for name in ("documents", *self.stages)}
            return Analysis(tables, self.metadata())

        def fill(tmp: Path) -> None:
            for i, key in enumerate(self.keys):
                for name in ("documents", *self.stages):
                    _link(self._chunk_file(key, name), tmp / name / f"part-{i:05d}.parquet")
            _write_metadata(tmp, self.metadata())

        return read_analysis(_replace_folder(self.out, fill))


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    full = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(full, ignore_index=True) if full else pd.DataFrame()


# ---------------------------------------------------------------- one chunk, in a worker


@dataclass(frozen=True)
class _Tools:
    segmenter: object
    codebooks: tuple


def _tools(settings: _Settings) -> _Tools:
    """The segmenter and codebooks of a process, built on its first chunk and kept.

    The segmenter is the process's shared default one, which the stage functions use
    too, so jieba's dictionary is built once per process. Codebooks are kept while
    their files are unchanged (a user's codebook edited between runs is read again).
    """
    from .segment import default_segmenter

    return _Tools(default_segmenter(), _codebooks(tuple((name, _file_state(name)) for name in settings.codebooks)))


def _file_state(name: str) -> tuple[int, int] | None:
    """``(mtime_ns, size)`` of a codebook given as a file path; None for a shipped codebook's name."""
    path = Path(name)
    if not path.is_file():
        return None
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=4)
def _codebooks(named: tuple[tuple[str, tuple[int, int] | None], ...]) -> tuple:
    from .themes import Codebook

    return tuple(Codebook.load(name) for name, _ in named)


class _SharedCuts:
    """A Segmenter that remembers the cut of each text, so stages of one chunk segment it once."""

    def __init__(self, segmenter):
        self._segmenter = segmenter
        self._cuts: dict[str, list[tuple[str, int, int]]] = {}
        self._words: dict[str, list[str]] = {}

    @property
    def info(self) -> dict[str, str]:
        return self._segmenter.info

    def cut_spans(self, text: str) -> list[tuple[str, int, int]]:
        spans = self._cuts.get(text)
        if spans is None:
            spans = self._cuts[text] = self._segmenter.cut_spans(text)
        return spans

    def cut(self, text: str) -> list[str]:
        words = self._words.get(text)
        if words is None:
            words = self._words[text] = [word for word, _, _ in self.cut_spans(text)]
        return words

    def tag(self, text: str):
        return self._segmenter.tag_spans(self.cut_spans(text))

    def is_stop(self, word: str) -> bool:
        return self._segmenter.is_stop(word)


def _chunk_tables(docs: pd.DataFrame, stages: tuple[str, ...], settings: _Settings) -> dict[str, pd.DataFrame]:
    """The stage tables of one chunk of documents, rows in document order then unit_id.

    The cyclic garbage collector is paused meanwhile: the shared cuts are many small
    tuples, which every full collection would walk again (a chunk's garbage cycles, if
    any, are collected after it).
    """
    from .structure import units as units_of

    tools = _tools(settings)
    seg = _SharedCuts(tools.segmenter)
    with gc_paused():
        units = units_of(docs)
        tables = {"units": units}
        if "tokens" in stages:
            from .segment import tokens

            tables["tokens"] = tokens(units, seg)
        if "themes" in stages:
            from .themes import themes

            tables["themes"] = _stack([themes(units, codebook=cb, segmenter=seg) for cb in tools.codebooks])
        if "tone" in stages:
            from .sentiment import tone

            tables["tone"] = _stack([tone(units, method=m, segmenter=seg if m == "policy" else None)
                                     for m in settings.tone_methods])
        if "targets" in stages:
            from .targets import targets

            tables["targets"] = targets(units, segmenter=seg)
    order = {doc_id: i for i, doc_id in enumerate(docs["doc_id"])}
    return {name: _in_doc_order(table, order) for name, table in tables.items()}


def _chunk_to_folder(docs: pd.DataFrame, stages: tuple[str, ...], settings: _Settings, folder: Path) -> dict:
    """Compute one chunk's tables and write them into ``folder``; ``{}`` (as for a chunk found on disk)."""
    _write_chunk(folder, {"documents": docs, **_chunk_tables(docs, stages, settings)})
    return {}


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    for frame in frames:
        frame.attrs = {}
    return _concat(frames)


def _in_doc_order(table: pd.DataFrame, order: dict[str, int]) -> pd.DataFrame:
    """Stable sort by document position, then unit_id; attrs dropped (provenance is in metadata)."""
    rank = table["doc_id"].map(order).to_numpy()
    unit = table["unit_id"].to_numpy()
    if not _sorted_pairs(rank, unit):
        table = table.iloc[pd.DataFrame({"r": rank, "u": unit}).sort_values(["r", "u"], kind="mergesort").index]
    table = table.reset_index(drop=True)
    table.attrs = {}
    return table


def _sorted_pairs(first: np.ndarray, second: np.ndarray) -> bool:
    """True if the pairs ``(first[i], second[i])`` are in ascending order (a stable sort leaves them)."""
    step, next_step = np.diff(first), np.diff(second)
    return bool(np.all((step > 0) | ((step == 0) & (next_step >= 0))))


# ---------------------------------------------------------------- backends and progress


class _Serial:
    """``submit`` that runs the call now, in this process."""

    def __call__(self, func, *args):
        future: cf.Future = cf.Future()
        future.set_result(func(*args))
        return future


class _Backend:
    """Context manager yielding ``submit(func, *args) -> future`` for the chosen backend."""

    def __init__(self, backend: str, n_jobs: int, client):
        self.backend, self.n_jobs, self.client = backend, n_jobs, client
        self._close = None

    def __enter__(self):
        if self.backend == "serial":
            return _Serial()
        if self.backend == "processes":
            context = multiprocessing.get_context("spawn")  # never fork: jieba and model state
            pool = cf.ProcessPoolExecutor(max_workers=self.n_jobs, mp_context=context)
            self._close = lambda: pool.shutdown(cancel_futures=True)
            return pool.submit
        return self._dask_submit()

    def _dask_submit(self):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError("analyze: backend='dask' needs dask and distributed "
                             "(pip install 'policytext[dask]')") from None
        client = self.client
        if client is None:
            cluster = LocalCluster(n_workers=self.n_jobs, processes=True, threads_per_worker=1,
                                   dashboard_address=None)
            client = Client(cluster)
            self._close = lambda: (client.close(), cluster.close())
        elif not hasattr(client, "submit"):  # a cluster (LocalCluster, SLURMCluster, ...)
            client = Client(client)
            self._close = client.close
        return lambda func, *args: client.submit(func, *args, pure=False)

    def __exit__(self, *exc):
        if self._close is not None:
            self._close()


def _progress_bar(progress: bool | None, docs):
    from tqdm import tqdm  # the plain bar: tqdm.auto warns in notebooks without ipywidgets

    show = sys.stderr.isatty() if progress is None else progress
    total = len(docs) if isinstance(docs, pd.DataFrame) else None
    return tqdm(total=total, unit="doc", desc="analyze", disable=not show, file=sys.stderr)


# ---------------------------------------------------------------- files


def _write_parquet(table: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = table.copy()
    table.attrs = {}
    table.to_parquet(path, index=False, engine="pyarrow", compression="zstd")


def _read_parts(folder: Path) -> pd.DataFrame:
    parts = sorted(folder.glob("part-*.parquet"))
    if not parts:
        raise InputError(f"{folder}: no part-*.parquet files — the result folder is incomplete")
    return _concat([pd.read_parquet(p) for p in parts])


def _write_metadata(folder: Path, metadata: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(metadata, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    (folder / METADATA).write_text(text, encoding="utf-8")


def _write_chunk(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Write one chunk's tables into ``folder`` atomically; a ``done`` file marks it complete."""
    tmp = folder.with_name(folder.name + f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    for name, table in tables.items():
        _write_parquet(table, tmp / f"{name}.parquet")
    (tmp / "done").write_text("", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _replace_folder(folder: Path, fill) -> Path:
    """Build a folder beside ``folder`` with ``fill(tmp)``, then swap it into place."""
    folder = folder.absolute()
    tmp = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        fill(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)
    return folder


# ---------------------------------------------------------------- streaming a corpus


def iter_corpus(source: str | Path, chunk_size: int = 16, *, text_field: str | None = None) -> Iterator[pd.DataFrame]:
    """Stream a corpus as documents tables of at most ``chunk_size`` rows.

    The same documents (ids, sources, texts, sha256s) as :func:`policytext.load_corpus`,
    without holding the corpus in memory: a folder of ``.txt`` files, a ``.jsonl``, a
    ``.csv`` or a ``.parquet`` file.

    Example:
        >>> gwr = "data/external/national-gwr/government_work_reports.jsonl"
        >>> [len(t) for t in iter_corpus(gwr, 40)]
        [40, 32]
    """
    source = Path(source)
    if source.is_dir():
        paths = sorted(source.glob("*.txt"))
        if not paths:
            raise InputError(f"{source}: the folder has no .txt files")
        for start in range(0, len(paths), chunk_size):
            yield as_documents(pd.concat([load_document(p) for p in paths[start:start + chunk_size]],
                                         ignore_index=True), name=str(source))
        return
    first = 0
    for records in _record_batches(source, chunk_size):
        table = _table_documents(records, source, text_field)
        numbers = range(first, first + len(table))
        if "doc_id" not in records.columns:
            table["doc_id"] = [f"{source.stem}-{n:04d}" for n in numbers]
        table["source"] = [f"{source.name}#{n + 1}" for n in numbers]
        first += len(table)
        yield table


def _record_batches(path: Path, size: int) -> Iterator[pd.DataFrame]:
    if not path.is_file():
        raise InputError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".json"}:
        yield from _jsonl_batches(path, size)
    elif suffix == ".csv":
        yield from pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=size)
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=size):
            yield batch.to_pandas()
    else:
        raise InputError(f"{path}: unsupported corpus format {suffix!r}; use a folder of .txt, "
                         ".csv, .jsonl or .parquet")


def _jsonl_batches(path: Path, size: int) -> Iterator[pd.DataFrame]:
    with path.open(encoding="utf-8") as lines:
        numbered = ((n, line) for n, line in enumerate(lines, start=1) if line.strip())
        while batch := list(islice(numbered, size)):
            records = []
            for number, line in batch:
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            yield pd.DataFrame.from_records(records)
