"""The search index (migrations/0017_search_grams.py): short character n-grams, so one-,
two- and many-character terms, Chinese or English, are index lookups on both backends.

A text's grams are every character, every adjacent pair and every adjacent triple of its
letters and digits (ASCII letters lowercased). A term of one character needs its unigram,
of two its bigram, of three or more all its trigrams: every text containing the term has
them, so the grams find a superset of the matches and a LIKE on those candidates only keeps
the exact ones (punctuation, order, case as LIKE sees it).

PostgreSQL computes the grams itself (`lc_grams`, every character counts there) in an
expression GIN index on each searched table: always current, whoever writes. SQLite cannot
run Python in a trigger, so triggers only note which rows changed (`search_dirty`; a delete
removes the row's grams at once) and `refresh()` writes their grams, in Python, into one
FTS5 table per kind (rowid = the row's id). `search()` refreshes first, so a search always
sees every write.
"""
import json
import re
from functools import reduce
from operator import and_

from peewee import SQL, NodeList, SqliteDatabase, Value

from learnclub.db import db, is_sqlite

#: kind -> (table, its searched columns, SQL of the searched text with {} for each column):
#: the text the grams are of, the expression of the PostgreSQL index
KINDS = {
    "talk": ("talk", ("topic", "transcript_md"), "coalesce({}, '') || ' ' || coalesce({}, '')"),
    "case": ("case_study", ("title", "body_md"), "{} || ' ' || {}"),
    "submission": ("submission", ("body_md",), "{}"),
}


def text_sql(kind):
    """The searched text of a kind's row, as SQL on its plain column names."""
    _table, columns, template = KINDS[kind]
    return template.format(*columns)


def _text_node(kind, model):
    """The searched text as a peewee node on `model`'s (aliased) columns."""
    _table, columns, template = KINDS[kind]
    parts, pieces = [], template.split("{}")
    for piece, column in zip(pieces, columns, strict=False):
        parts += [SQL(piece), getattr(model, column)]
    return NodeList((*parts, SQL(pieces[-1])), glue="")
_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
BATCH = 2000  #: rows whose grams `refresh` writes per statement
_RUN = re.compile(r"[^\W_]+")  #: letters and digits: what FTS5's ascii tokenizer keeps


def _runs(text):
    return _RUN.findall(text.translate(_FOLD))


def text_grams(text):
    """The grams of a text (SQLite index side), space-separated."""
    found = set()
    for run in _runs(text):
        for i in range(len(run)):
            found.update((run[i], run[i:i + 2], run[i:i + 3]))
    return " ".join(found)


def term_grams(term):
    """The grams every text containing `term` has (SQLite query side); none for a term
    without letters or digits, which only LIKE can answer."""
    grams = []
    for run in _runs(term):
        n = min(3, len(run))
        grams += [run[i:i + n] for i in range(len(run) - n + 1)]
    return list(dict.fromkeys(grams))


def candidates(kind, model, terms):
    """A condition on `model` narrowing it to rows that may contain every term, through the
    index; None when the index cannot narrow (then LIKE alone decides)."""
    if not is_sqlite():
        text = _text_node(kind, model)
        return reduce(and_, (NodeList((SQL("lc_grams("), text, SQL(") @> lc_term_grams("),
                                       Value(t), SQL(")")), glue="") for t in terms))
    grams = [g for t in terms for g in term_grams(t)]
    if not grams:
        return None
    match = " AND ".join(f'"{g}"' for g in dict.fromkeys(grams))
    return model.id.in_(NodeList((SQL(
        f"SELECT rowid FROM {kind}_grams WHERE {kind}_grams MATCH ?", (match,)),), parens=True))


def refresh(database=None):
    """Write the grams of the rows changed since the last refresh (SQLite; nothing to do on
    PostgreSQL): one query when nothing changed, a fixed number per BATCH rows otherwise."""
    database = database or db
    if not isinstance(getattr(database, "obj", database), SqliteDatabase):
        return
    while database.execute_sql("SELECT 1 FROM search_dirty LIMIT 1").fetchone():
        with database.atomic("IMMEDIATE"):
            _refresh_batch(database)


def _refresh_batch(database):
    dirty = json.dumps(database.execute_sql(
        f"SELECT kind, row_id FROM search_dirty LIMIT {BATCH}").fetchall())
    pairs = ("SELECT json_extract(value, '$[0]') AS kind, "
             "json_extract(value, '$[1]') AS row_id FROM json_each(?)")
    for kind, (table, _columns, _template) in KINDS.items():
        ids = f"SELECT row_id FROM ({pairs}) WHERE kind = '{kind}'"
        rows = database.execute_sql(f"SELECT id, {text_sql(kind)} FROM {table} "
                                    f"WHERE id IN ({ids})", (dirty,)).fetchall()
        database.execute_sql(f"DELETE FROM {kind}_grams WHERE rowid IN ({ids})", (dirty,))
        database.execute_sql(f"INSERT INTO {kind}_grams (rowid, grams) "
                             f"SELECT kind, row_id FROM ({pairs})",
                             (json.dumps([[i, text_grams(t)] for i, t in rows]),))
    database.execute_sql(f"DELETE FROM search_dirty WHERE (kind, row_id) IN ({pairs})",
                         (dirty,))
