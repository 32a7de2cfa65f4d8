"""The one-loop text indexing and the inlined postings of rare terms (issue 18).

``OmText.index`` must give exactly the items Whoosh's own analyser chain gives, or pages
would be found by other words at query time than were indexed; inlined postings must read
back, merge and score like postings in blocks.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from search.backends.analysis import BoostedText, spelling_terms
from search.backends.fast_fields import OmText, analyzer_kind
from search.backends.whoosh.schema import CATCH_ALL_FIELD, SPELL_FIELD, SPELL_FORMS_FIELD, build_schema
from search.backends.writer import INLINE_LIMIT, locked_writer

pytestmark = pytest.mark.whoosh_only("Whoosh's field types, codec and index files")

WORDS = ["Gefährdungsbeurteilung", "die", "der", "Sitzung", "Straße", "STRASSE", "Maßnahme",
         "Gefaehrdung", "Quelle", "und", "2026", "TOP", "ä", "Ü", "İstanbul", "x_y", "Lärm-Schutz",
         "ist", "nicht", "Beschlüsse", "beschluesse", "ﬁ", "ǅ", "\u0301e"]
SEPARATORS = [" ", "  ", "\n", ", ", ". ", "-", "/", "–", "\t", "…", "'", ""]

texts = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=40).map(
    lambda pairs: "".join(word + sep for word, sep in pairs)) | st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=80)


def whoosh_items(field, value) -> list:
    return sorted(TEXT.index(field, value))


def fast_items(field, value) -> list:
    return sorted(field.index(value))


def test_every_text_field_of_the_schema_takes_the_fast_path():
    schema = build_schema()
    kinds = {name: analyzer_kind(schema[name].analyzer)
             for name in ("f_body", "a_body", CATCH_ALL_FIELD, SPELL_FIELD)}
    assert kinds == {"f_body": "german", "a_body": "unstemmed", CATCH_ALL_FIELD: "catch_all",
                     SPELL_FIELD: "unstemmed"}
    assert all(type(schema[name]) is OmText for name in kinds)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_search_and_autocomplete_fields_index_as_whoosh_does(text):
    schema = build_schema()
    for name in ("f_body", "a_body", SPELL_FIELD):
        assert fast_items(schema[name], text) == whoosh_items(schema[name], text)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.tuples(texts, st.sampled_from([1.0, 2.0, 0.5, 10.0])), min_size=1, max_size=5))
def test_catch_all_field_keeps_boosts_and_position_gaps(parts):
    field = build_schema()[CATCH_ALL_FIELD]
    value = BoostedText.join(parts)
    assert fast_items(field, value) == whoosh_items(field, value)
    plain = "\n".join(text for text, _ in parts)
    assert fast_items(field, plain) == whoosh_items(field, plain)


def test_catch_all_positions_and_weights_by_example():
    field = build_schema()[CATCH_ALL_FIELD]
    items = dict((term, (freq, weight)) for term, freq, weight, _ in field.index(
        BoostedText.join([("Die Sitzung", 2.0), ("Sitzung und Beschluss", 1.0)])))
    assert items[b"sitzung"] == (2, 3.0)  # once in the title (boost 2), once in the body
    assert items[b"beschluss"] == (1, 1.0)
    assert b"die" not in items and b"und" not in items


@settings(max_examples=100, deadline=None)
@given(text=texts)
def test_spelling_fields_take_their_word_lists_as_whoosh_does(text):
    schema = build_schema()
    folded, forms = spelling_terms(text)
    assert fast_items(schema[SPELL_FIELD], folded) == whoosh_items(schema[SPELL_FIELD], folded)
    assert fast_items(schema[SPELL_FORMS_FIELD], forms) == whoosh_items(schema[SPELL_FORMS_FIELD], forms)


def _search(ix, field: str, text: str) -> list[str]:
    with ix.searcher() as searcher:
        query = QueryParser(field, ix.schema).parse(text)
        return sorted(hit["key"] for hit in searcher.search(query, limit=None))


def test_rare_terms_are_inlined_and_read_back_merged_and_deleted(tmp_path):
    schema = build_schema()
    ix = whoosh_index.create_in(str(tmp_path), schema)
    with locked_writer(ix) as writer:
        for number in range(INLINE_LIMIT + 3):
            rare = f"Einzelwort{number}"
            writer.add_document(key=f"k:{number}", pk=str(number), f_body=f"Gemeinsam {rare}")
    with ix.reader() as reader:
        inlined = reader.term_info("f_body", "einzelwort0")
        assert inlined.is_inlined()
        assert not reader.term_info("f_body", "gemeinsam").is_inlined()  # in every document
        assert reader.term_info("key", "k:1").is_inlined()  # an ID field without posting values
    assert _search(ix, "f_body", "einzelwort3") == ["k:3"]
    # A second segment, then a merge that reads the inlined postings back (ID fields too).
    with locked_writer(ix) as writer:
        writer.delete_by_term("key", "k:3")
        writer.add_document(key="k:99", pk="99", f_body="Einzelwort3 zurück")
    with locked_writer(ix, optimize=True):
        pass
    assert _search(ix, "f_body", "einzelwort3") == ["k:99"]
    assert _search(ix, "key", "k:1") == ["k:1"]
    assert _search(ix, "f_body", "gemeinsam") == sorted(
        f"k:{n}" for n in range(INLINE_LIMIT + 3) if n != 3)


def test_index_written_with_plain_text_fields_is_upgraded_by_the_next_writer(tmp_path):
    schema = Schema(key=ID(stored=True, unique=True),
                    body=TEXT(analyzer=build_schema()["f_body"].analyzer))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    assert type(ix.schema["body"]) is TEXT
    with locked_writer(ix) as writer:
        writer.add_document(key="a", body="Die Gefährdungen der Sitzung")
    ix = whoosh_index.open_dir(str(tmp_path))
    assert type(ix.schema["body"]) is OmText
    assert _search(ix, "body", "Gefährdung") == ["a"]


def test_segments_are_separate_files_read_through_memory_maps(tmp_path, monkeypatch):
    """A compound segment is copied whole into memory by every new reader (issue 18)."""
    import mmap

    from search.backends.whoosh.storage import MappedFileStorage, open_index

    monkeypatch.setattr(MappedFileStorage, "min_mapped_bytes", 0)  # map even this small index
    ix = open_index(tmp_path / "index")
    assert isinstance(ix.storage, MappedFileStorage)
    with locked_writer(ix) as writer:
        writer.add_document(key="a", pk="1", f_body="Lärmschutz im Werk")
    (segment,) = ix._segments()
    assert not segment.is_compound()
    opened = ix.storage.open_file(segment.make_filename(".trm"))
    assert isinstance(opened.file, mmap.mmap)
    opened.close()
    assert _search(ix, "f_body", "Lärmschutz") == ["a"]
