import hashlib

import pandas as pd
import pytest

import policytext as pt
from policytext.io import as_documents

from .conftest import NATIONAL, REFERENCE

REFERENCE_SHA = "87171bf0fe3c73098e32e998dbd04a0fce070ee9a7216b2d19a270ac3c38928e"


def test_reference_file_is_untouched():
    assert hashlib.sha256(REFERENCE.read_bytes()).hexdigest() == REFERENCE_SHA


def test_load_document_reads_sidecar_metadata(reference_docs):
    row = reference_docs.iloc[0]
    assert (row.doc_id, row.year, row.region) == ("qianjiang-2017", 2017, "湖北省潜江市")
    assert row.sha256 == REFERENCE_SHA
    assert len(row.text) == 5186


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030", "big5"])
def test_read_text_detects_encodings(tmp_path, encoding):
    text = "各位代表：现在，我代表国务院向大会报告政府工作。一、过去五年工作回顾\n"
    if encoding == "big5":
        text = "各位代表：現在，我代表國務院向大會報告政府工作。過去五年的成就來之不易。\n"
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    assert pt.read_text(path) == text


def test_gbk_copy_gives_the_same_units(tmp_path, reference_units):
    copy = tmp_path / "reference-gbk.txt"
    copy.write_bytes(REFERENCE.read_text(encoding="utf-8").encode("gbk"))
    units = pt.units(pt.load_document(copy, doc_id="qianjiang-2017", year=2017))
    pd.testing.assert_frame_equal(units, reference_units)


@pytest.mark.parametrize("content, error, words", [
    (None, pt.InputError, "no such file"),
    (b"", pt.EmptyDocumentError, "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", pt.EncodingError, "binary"),
    (b"\xff\xfe\xfd\xfc" * 20, pt.EncodingError, "not valid"),
    (b"Only Latin letters here, 2018.", pt.EmptyDocumentError, "no Chinese"),
])
def test_bad_files_name_the_file_and_the_problem(tmp_path, content, error, words):
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(error) as caught:
        pt.read_text(path)
    assert str(path) in str(caught.value) and words in str(caught.value)


def test_changed_file_fails_its_metadata_hash(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("一、工作回顾\n完成投资。", encoding="utf-8")
    (tmp_path / "doc.meta.yaml").write_text("sha256: " + "0" * 64 + "\n", encoding="utf-8")
    with pytest.raises(pt.InputError, match="the file was changed"):
        pt.load_document(path)


def test_unknown_metadata_key_is_an_error(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("完成投资。", encoding="utf-8")
    (tmp_path / "doc.meta.yaml").write_text("yeer: 2017\n", encoding="utf-8")
    with pytest.raises(pt.InputError, match="unknown metadata keys"):
        pt.load_document(path)


def test_national_corpus_loads_with_years_and_without_the_licence_notice(national):
    reports = national.dropna(subset=["year"])
    assert len(national) == 72 and len(reports) == 52
    assert not national["text"].str.contains("本作品是中华人民共和国的").any()
    report_2018 = reports.loc[reports["year"] == 2018, "text"].iloc[0]
    assert report_2018.count("供给侧结构性改革") == 8


@pytest.mark.parametrize("suffix", ["csv", "parquet", "jsonl"])
def test_corpus_formats_round_trip(tmp_path, suffix):
    table = pd.DataFrame({"doc_id": ["a", "b"], "year": [2017, 2018],
                          "text": ["一、工作回顾\n完成投资。", "二、工作安排\n加快发展。"]})
    path = tmp_path / f"corpus.{suffix}"
    if suffix == "csv":
        table.to_csv(path, index=False)
    elif suffix == "parquet":
        table.to_parquet(path)
    else:
        table.to_json(path, orient="records", lines=True, force_ascii=False)
    docs = pt.load_corpus(path)
    assert docs["doc_id"].tolist() == ["a", "b"] and docs["year"].tolist() == [2017, 2018]


def test_folder_corpus_and_bad_jsonl_line(tmp_path):
    (tmp_path / "b.txt").write_text("加快发展。", encoding="utf-8")
    (tmp_path / "a.txt").write_text("完成投资。", encoding="utf-8")
    assert pt.load_corpus(tmp_path)["doc_id"].tolist() == ["a", "b"]
    bad = tmp_path / "c.jsonl"
    bad.write_text('{"text": "完成投资。"}\n{"text": oops}\n', encoding="utf-8")
    with pytest.raises(pt.InputError, match=r"c\.jsonl:2"):
        pt.load_corpus(bad)


def test_plain_string_becomes_a_document():
    docs = as_documents("加快发展。")
    assert docs["doc_id"].tolist() == ["text"] and docs["text"].tolist() == ["加快发展。"]
