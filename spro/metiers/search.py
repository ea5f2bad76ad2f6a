"""Search over the ROME job titles: accent-, case-, plural- and typo-tolerant, the same SQL on SQLite
and PostgreSQL.

Why not trigrams or full text: `pg_trgm` and `unaccent` are PostgreSQL extensions (SQLite has neither,
and a Région's managed PostgreSQL may refuse extensions), while 13,000 short titles are tiny. Instead:
- each JobTitle stores `search_text`, its words normalised once at import (ASCII, lower case, a final
  plural "s"/"x" dropped), each word preceded by a space: " boulanger boulangere ";
- every word of the query (normalised the same way) must start a word of the title:
  `search_text LIKE '% boulang%'`. One scan of 13,000 short strings takes a few milliseconds on both
  databases (see bench/metiers.py), and word-prefix matching is what autocomplete needs;
- a typo ("boulangr", "infirmeir") is corrected before the query against the vocabulary of the titles
  (about 9,000 words, held in memory per process): words at one edit (insertion, deletion, substitution
  or swap of two neighbours) are found through their deletion variants (the SymSpell idea), without
  comparing the query to every word.
"""

import re
import threading
import unicodedata
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Length

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


# --- typo correction ------------------------------------------------------------------------------------


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Vocabulary:
    """The words of every title, and their one-deletion variants, to correct one typo per word."""

    def __init__(self, all_words):
        self.words = frozenset(all_words)
        self.sorted = sorted(self.words)
        self.variants: dict[str, set[str]] = {}
        for word in self.words:
            if len(word) >= MIN_TYPO_LENGTH - 1:
                for variant in _deletes(word):
                    self.variants.setdefault(variant, set()).add(word)

    def has_prefix(self, prefix: str) -> bool:
        import bisect

        index = bisect.bisect_left(self.sorted, prefix)
        return index < len(self.sorted) and self.sorted[index].startswith(prefix)

    def corrections(self, word: str) -> list[str]:
        """Known words one edit away from `word`, most frequent shape first (shortest, then alphabetical)."""
        found = set(self.variants.get(word, ()))  # `word` lacks a letter
        for variant in _deletes(word):
            if variant in self.words:  # `word` has a letter too many
                found.add(variant)
            found.update(self.variants.get(variant, ()))  # a substitution or a swap
        return sorted(found, key=lambda w: (abs(len(w) - len(word)), w))[:8]


_lock = threading.Lock()
_vocabulary: dict[tuple, Vocabulary] = {}


def vocabulary() -> Vocabulary:
    """Built once per process and per state of the referential (count and highest id)."""
    from django.db.models import Count, Max

    state = JobTitle.objects.aggregate(n=Count("id"), last=Max("id"))
    key = (state["n"], state["last"])
    known = _vocabulary.get(key)
    if known is None:
        with _lock:
            all_words = set()
            for text in JobTitle.objects.values_list("search_text", flat=True).iterator(chunk_size=5000):
                all_words.update(text.split())
            _vocabulary.clear()
            known = _vocabulary[key] = Vocabulary(all_words)
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


def _queryset(query_words: list[list[str]]):
    condition = Q()
    for alternatives in query_words:
        one = Q()
        for word in alternatives:
            one |= Q(search_text__contains=f" {word}")
        condition &= one
    first = query_words[0][0]
    return (
        JobTitle.objects.filter(condition)
        .annotate(
            rank=Case(
                When(search_text__startswith=f" {first}", then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            length=Length("label"),
        )
        .select_related("occupation")
        .order_by("rank", "-is_main", "rarely_used", "length", "label")
    )


def search(query: str, limit: int = 20, offset: int = 0) -> Result:
    """Job titles matching `query`, best first: the title starting with the first word, then the
    main title of a fiche, then the shortest."""
    query_words = words((query or "")[:MAX_QUERY_LENGTH])[:MAX_WORDS]
    if not query_words:
        return Result([], [], {})
    titles = list(_queryset([[w] for w in query_words])[offset : offset + limit])
    corrected = {}
    if not titles and offset == 0:
        vocab = vocabulary()
        alternatives = []
        for word in query_words:
            options = [word]
            if len(word) >= MIN_TYPO_LENGTH and not vocab.has_prefix(word):
                options = vocab.corrections(word) or [word]
                if options != [word]:
                    corrected[word] = options[0]
            alternatives.append(options)
        if corrected:
            titles = list(_queryset(alternatives)[:limit])
    return Result(titles, query_words, corrected)


def count(query: str) -> int:
    query_words = words((query or "")[:MAX_QUERY_LENGTH])[:MAX_WORDS]
    return _queryset([[w] for w in query_words]).count() if query_words else 0


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
