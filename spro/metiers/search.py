"""Search over the ROME job titles: accent-, case-, plural- and typo-tolerant, the same on SQLite and
PostgreSQL.

Why not trigrams or full text: `pg_trgm` and `unaccent` are PostgreSQL extensions (SQLite has neither,
and a Région's managed PostgreSQL may refuse extensions), while 13,000 short titles are tiny. Instead:
- each JobTitle stores `search_text`, its words normalised once at import (ASCII, lower case, a final
  plural "s"/"x" dropped), each word preceded by a space: " boulanger boulangere ";
- every word of the query (normalised the same way) must start a word of the title (word-prefix
  matching, what autocomplete needs). This is answered from an index of the words held in memory per
  process (`Index`: about 9,000 words and 13,000 titles, a few megabytes), rebuilt when the referential
  changes (`_state`: one cheap query per search); only the titles shown are then read from the database.
  A `LIKE '% word%'` scan of the table did the same in SQL, but cost 15 to 40 ms per keystroke with its
  sort (bench/metiers.py), four times the target;
- a typo ("boulangr", "infirmeir") is corrected against the vocabulary of the titles: words at one edit
  (insertion, deletion, substitution or swap of two neighbours) are found through their deletion variants
  (the SymSpell idea), without comparing the query to every word.
"""

import bisect
import re
import threading
import unicodedata
from dataclasses import dataclass

from django.db import connection

from spro.metiers.models import JobTitle

_NON_WORD = re.compile(r"[^a-z0-9]+")
MAX_QUERY_LENGTH = 100
MAX_WORDS = 6
MIN_TYPO_LENGTH = 4  # shorter words are prefixes being typed, not typos


def words(text: str) -> list[str]:
    """Normalised words: ASCII, lower case, ligatures opened, final plural "s"/"x" dropped."""
    text = (text or "").replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    result = []
    for word in _NON_WORD.sub(" ", ascii_text).split():
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        result.append(word)
    return result


def search_text(*labels: str) -> str:
    """The `search_text` column for a title: its distinct words, each preceded by a space."""
    seen = []
    for label in labels:
        for word in words(label):
            if word not in seen:
                seen.append(word)
    return "".join(f" {word}" for word in seen)[:500]


# --- the in-memory index -------------------------------------------------------------------------------


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Index:
    """Every job title's words, built once per process and per state of the referential.

    Titles are numbered in their display order (main title of a fiche first, then not rarely used, then
    the shortest label, then alphabetical), so that a search is set work on small integers: the titles
    having a word that starts with each query word (the vocabulary is sorted: a prefix is a range of
    it), intersected, those whose first word matches first, then in display order. Only the titles shown
    are read from the database afterwards, by primary key. The one-deletion variants of the words correct
    one typo per word (see `corrections`)."""

    def __init__(self, rows):
        # rows: (id, search_text, is_main, rarely_used, label)
        ordered = sorted(rows, key=lambda r: (not r[2], r[3], len(r[4]), r[4]))
        self.ids = [row[0] for row in ordered]
        postings: dict[str, list[int]] = {}
        leading: dict[str, list[int]] = {}
        for position, row in enumerate(ordered):
            title_words = row[1].split()
            for word in dict.fromkeys(title_words):
                postings.setdefault(word, []).append(position)
            if title_words:
                leading.setdefault(title_words[0], []).append(position)
        self.postings = postings
        self.leading = leading
        self.sorted = sorted(postings)
        self.words = frozenset(postings)
        self.variants: dict[str, set[str]] = {}
        for word in self.words:
            if len(word) >= MIN_TYPO_LENGTH - 1:
                for variant in _deletes(word):
                    self.variants.setdefault(variant, set()).add(word)
        self._cache: dict[str, tuple[frozenset, frozenset]] = {}

    def _range(self, prefix: str) -> list[str]:
        low = bisect.bisect_left(self.sorted, prefix)
        high = bisect.bisect_left(self.sorted, prefix + "\U0010ffff", low)
        return self.sorted[low:high]

    def has_prefix(self, prefix: str) -> bool:
        index = bisect.bisect_left(self.sorted, prefix)
        return index < len(self.sorted) and self.sorted[index].startswith(prefix)

    def prefixed(self, prefix: str) -> tuple[frozenset, frozenset]:
        """(titles having a word starting with `prefix`, titles whose first word does)."""
        known = self._cache.get(prefix)
        if known is None:
            any_word, first_word = set(), set()
            for word in self._range(prefix):
                any_word.update(self.postings[word])
                first_word.update(self.leading.get(word, ()))
            known = (frozenset(any_word), frozenset(first_word))
            if len(self._cache) > 20_000:
                self._cache.clear()
            self._cache[prefix] = known
        return known

    def matches(self, query_words: list[list[str]]) -> list[int]:
        """Positions of the titles where each query word (any of its alternatives) starts a word, those
        whose first word starts with the first query word first, then in display order."""
        sets = []
        for alternatives in query_words:
            found = frozenset().union(*(self.prefixed(word)[0] for word in alternatives))
            sets.append(found)
        sets.sort(key=len)
        found = sets[0].intersection(*sets[1:]) if len(sets) > 1 else sets[0]
        if not found:
            return []
        first = frozenset().union(*(self.prefixed(word)[1] for word in query_words[0])) & found
        return sorted(first) + sorted(found - first)

    def corrections(self, word: str) -> list[str]:
        """Known words one edit away from `word`, most frequent shape first (shortest, then alphabetical)."""
        found = set(self.variants.get(word, ()))  # `word` lacks a letter
        for variant in _deletes(word):
            if variant in self.words:  # `word` has a letter too many
                found.add(variant)
            found.update(self.variants.get(variant, ()))  # a substitution or a swap
        return sorted(found, key=lambda w: (abs(len(w) - len(word)), w))[:8]


_lock = threading.Lock()
_index: dict[tuple, Index] = {}


def _state() -> tuple:
    """What identifies the referential's content: the importer's revision token, the count and the
    highest id of the job titles (one cheap query, run by every search)."""
    from spro.metiers.models import Revision

    titles, revisions = connection.ops.quote_name(JobTitle._meta.db_table), Revision._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {titles}), (SELECT MAX(id) FROM {titles}), "  # noqa: S608
            f"(SELECT token FROM {connection.ops.quote_name(revisions)} WHERE id = 1)"
        )
        return tuple(cursor.fetchone())


def index() -> Index:
    key = _state()
    known = _index.get(key)
    if known is None:
        with _lock:
            known = _index.get(key)
            if known is None:
                rows = JobTitle.objects.values_list("id", "search_text", "is_main", "rarely_used", "label")
                known = Index(list(rows.iterator(chunk_size=5000)))
                _index.clear()
                _index[key] = known
    return known


# --- the search ---------------------------------------------------------------------------------------


@dataclass
class Result:
    titles: list  # JobTitle, with .occupation
    query_words: list[str]
    corrected: dict  # typed word → the word searched instead

    @property
    def corrected_text(self) -> str:
        return " ".join(self.corrected.get(w, w) for w in self.query_words)


def _titles(idx: Index, positions: list[int]) -> list:
    ids = [idx.ids[position] for position in positions]
    found = JobTitle.objects.select_related("occupation").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def search(query: str, limit: int = 20, offset: int = 0) -> Result:
    """Job titles matching `query`, best first: the title starting with the first word, then the
    main title of a fiche, then the shortest."""
    query_words = words((query or "")[:MAX_QUERY_LENGTH])[:MAX_WORDS]
    if not query_words:
        return Result([], [], {})
    idx = index()
    positions = idx.matches([[w] for w in query_words])
    corrected = {}
    if not positions and offset == 0:
        alternatives = []
        for word in query_words:
            options = [word]
            if len(word) >= MIN_TYPO_LENGTH and not idx.has_prefix(word):
                options = idx.corrections(word) or [word]
                if options != [word]:
                    corrected[word] = options[0]
            alternatives.append(options)
        if corrected:
            positions = idx.matches(alternatives)
    return Result(_titles(idx, positions[offset : offset + limit]), query_words, corrected)


def count(query: str) -> int:
    query_words = words((query or "")[:MAX_QUERY_LENGTH])[:MAX_WORDS]
    return len(index().matches([[w] for w in query_words])) if query_words else 0


_CODE_IN_LABEL = re.compile(r"\(([A-Na-n]\d{4})\)\s*$")


def find_occupation(text: str):
    """The fiche a person means: a ROME code ("D1102"), a chosen suggestion ("Boulanger (D1102)"), or
    words ("boulangère"): the fiche of the best matching job title. None when nothing matches."""
    from spro.metiers.models import Occupation

    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return None
    match = _CODE_IN_LABEL.search(text)
    code = match.group(1) if match else text
    if re.fullmatch(r"[A-Na-n]\d{4}", code):
        found = Occupation.objects.filter(code=code.upper()).first()
        if found is not None:
            return found
    result = search(text, limit=1)
    return result.titles[0].occupation if result.titles else None
