"""The search benchmark cannot rot: its corpus keeps its promises and a tiny run completes.

``bench/search.py`` is not run by ``make test`` at full size (issue 18); these tests run the
generator and the whole bench at a few hundred documents. Speed is never asserted here
(common rules: speed is measured in bench/), only that figures come out and the planted
ground truth is right.
"""

from __future__ import annotations

import json
import re

import pytest

from bench import corpus
from bench import search as bench_search

N = 60


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    cache = tmp_path_factory.mktemp("bench-corpus")
    docs, queries, info = corpus.ensure(N, seed=7, cache=cache, progress=lambda text: None)
    rows = [json.loads(line) for line in docs.read_text(encoding="utf-8").splitlines()]
    return cache, docs, queries, info, rows


def words_of(row: dict) -> set[str]:
    text = " ".join(row[k] for k in ("title", "agenda", "body", "attachment_text"))
    return {corpus.fold(word) for word in re.findall(r"\w+", text)}


def test_each_query_knows_exactly_the_documents_holding_its_words(generated):
    """Rare, medium and prefix terms: the relevant set is every document with a word that
    starts with the folded query – no vocabulary word or other planted word shares it."""
    _, _, queries, _, rows = generated
    vocabularies = [words_of(row) for row in rows]
    checked = 0
    for query in queries:
        if query.cls not in ("selten", "mittel", "präfix", "breit") or query.kind == "and":
            continue
        prefix = corpus.fold(query.text)
        holding = [row["id"] for row, words in zip(rows, vocabularies, strict=True)
                   if any(word.startswith(prefix) for word in words)]
        assert holding == query.relevant, query.text
        checked += 1
    assert checked == len(corpus.RARE_TERMS) + len(corpus.MEDIUM_TERMS) + len(corpus.PREFIX_FAMILIES) + len(
        corpus.BROAD_TERMS)


def test_phrases_have_decoys_with_both_words_in_other_order(generated):
    _, _, queries, _, rows = generated
    by_id = {row["id"]: " ".join(row[k] for k in ("title", "agenda", "body", "attachment_text"))
             for row in rows}
    for query in (q for q in queries if q.cls == "phrase"):
        adjective, noun = query.text.split()
        with_phrase = [i for i, text in by_id.items() if query.text in text]
        with_both = [i for i, text in by_id.items() if adjective in text.split() and noun in text.split()]
        assert with_phrase == query.relevant
        assert len(with_both) > len(with_phrase)  # decoys the phrase query must not return


def test_attachments_are_real_files_read_by_the_search_extractors(generated):
    """A share has a PDF or DOCX attachment; rare words planted only there are in its
    extracted text, not in the page's own fields."""
    _, _, queries, info, rows = generated
    assert info.pdf > 0 and info.docx > 0
    with_file = [row for row in rows if row["attachment_kind"]]
    assert all(row["attachment_text"].strip() for row in with_file)
    for query in (q for q in queries if q.text in corpus.ATTACHMENT_ONLY):
        for doc in query.relevant:
            row = rows[doc - 1]
            assert query.text in row["attachment_text"]
            assert query.text not in row["body"] + row["agenda"] + row["title"]


def test_the_corpus_is_deterministic_and_read_from_the_cache(generated, tmp_path):
    cache, docs, queries, info, _ = generated
    again_docs, again_queries, again = corpus.ensure(N, seed=7, cache=cache)
    assert again.cached and again_docs == docs and again_queries == queries
    fresh_docs, fresh_queries, fresh = corpus.ensure(N, seed=7, cache=tmp_path)
    assert not fresh.cached
    assert fresh_docs.read_bytes() == docs.read_bytes() and fresh_queries == queries
    assert info.vocabulary > 20_000  # tens of thousands of word forms


def test_a_tiny_run_prints_every_figure_and_finds_the_planted_words(generated, capsys):
    cache, *_ = generated
    code = bench_search.main(["--n", str(N), "--seed", "7", "--cache", str(cache),
                              "--backends", "whoosh,sqlite"])
    out = capsys.readouterr().out
    assert code == 0, out
    for label in ("Index-Aufbau Dok./s", "Speichern→auffindbar ms (Median)", "Spitzen-RSS Abfrageprozess MB",
                  *(f"{cls}:" for cls in bench_search.CLASSES), "P@10 / R@10", "Whoosh/SQLite FTS5",
                  "Whoosh/PostgreSQL (german): übersprungen"):
        assert label in out, label
    result = json.loads((cache / f"search-result-n{N}.json").read_text())["results"]
    for name in ("whoosh", "sqlite"):
        rare = result[name]["classes"]["selten"]
        # every rare word found, in the page's fields and in attachment-only text alike
        assert rare["recall_all"] == [1.0] * len(corpus.RARE_TERMS), name
        assert result[name]["save_found"] == [True] * len(corpus.FRESH_TERMS)  # a saved page is found
        assert result[name]["docs_per_s"] > 0
