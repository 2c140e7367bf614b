"""Stage: the knowledge index (whoosh) that answers villagers' own words.

Chinese text is indexed twice over: as overlapping character bigrams with real positions (so a
multi-character word is found as an exact phrase anywhere — 劳动合同 inside 劳动合同法 — and a
single character as itself) and as jieba words (so whole-word hits rank above chance substrings
such as 工会 inside 务工会). Villagers' words reach the legal text through data/synonyms.yml, at
index time (each document also carries the colloquial words for the legal terms it contains) and at
query time (a query word also asks for its legal terms). Whoosh stays behind this module so the
engine can be swapped.

The index lives in the project's cache, named by a hash of everything it was built from; a changed
project builds a new one beside the old (updating only changed documents), under a lock, and
renames it into place, so a stale or half-written index is never opened.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from whoosh import fields, index, query, scoring
from whoosh.analysis import Token, Tokenizer

from . import quiet_jieba
from .content.words import Vocabulary, normalize
from .locking import Busy, held

ANALYZER_VERSION = "bigram+jieba/3"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII = re.compile(r"[a-z0-9]+")
PUNCT = re.compile(r"[\s\u3000-\u303f\uff00-\uffef!-/:-@\[-`{-~“”‘’…—·]+")


class BigramTokenizer(Tokenizer):
    """CJK runs as overlapping bigrams plus single characters, ASCII words whole; the position of a
    token is the index of its first character, so consecutive bigrams make an exact phrase."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        text = normalize(value)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans = []
        for m in _CJK.finditer(text):
            run, base = m.group(), m.start()
            for i, ch in enumerate(run):
                spans.append((base + i, ch, base + i + 1))
                if i + 1 < len(run):
                    spans.append((base + i, run[i:i + 2], base + i + 2))
        for m in _ASCII.finditer(text):
            spans.append((m.start(), m.group(), m.end()))
        spans.sort()
        for pos, term, end in spans:
            t.text, t.boost, t.stopped = term, 1.0, False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + pos, start_char + end
            yield t


class JiebaTokenizer(Tokenizer):
    """Whole words (jieba's precise mode, no HMM guessing) with sequential positions."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        import jieba

        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = 0
        for word, start, end in jieba.tokenize(normalize(value), HMM=False):
            if PUNCT.fullmatch(word) or not word.strip():
                continue
            t.text, t.boost, t.stopped = word, 1.0, False
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            pos += 1
            yield t


BIGRAMS = BigramTokenizer()
WORDS = JiebaTokenizer()

SCHEMA = fields.Schema(
    uid=fields.ID(stored=True, unique=True),
    kind=fields.ID(stored=True),
    path=fields.STORED(),
    title=fields.TEXT(analyzer=BIGRAMS, stored=True, field_boost=3.0),
    summary=fields.TEXT(analyzer=BIGRAMS, stored=True, field_boost=2.0),
    body=fields.TEXT(analyzer=BIGRAMS, stored=True, chars=True),
    colloquial=fields.TEXT(analyzer=BIGRAMS, field_boost=1.5),
    words=fields.TEXT(analyzer=WORDS, field_boost=1.5),
    topics=fields.KEYWORD(stored=True, commas=True),
    audiences=fields.KEYWORD(stored=True, commas=True),
    laws=fields.KEYWORD(stored=True, commas=True),
    stage=fields.ID(stored=True),
    digest=fields.STORED(),
)
TEXT_FIELDS = ("title", "summary", "body", "colloquial")


@dataclass(frozen=True)
class Doc:
    """One thing search can find: a material, lesson, campaign or law text."""

    uid: str
    kind: str
    path: str           # docs-relative page path (.md)
    title: str
    summary: str
    body: str
    topics: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    laws: tuple[str, ...] = ()
    stage: str = ""

    @property
    def digest(self) -> str:
        raw = json.dumps([self.uid, self.kind, self.path, self.title, self.summary, self.body, self.topics,
                          self.audiences, self.laws, self.stage], ensure_ascii=False)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


# ---------------------------------------------------------------- documents from the project
def project_docs(project, laws: list[Doc] | None = None) -> list[Doc]:
    docs = []
    for m in project.materials:
        docs.append(Doc(f"material:{m.id}", "material", m.src, m.title, m.summary, _plain(m.body), m.topics,
                        m.audiences, tuple(c.law for c in m.citations)))
    for le in project.lessons:
        docs.append(Doc(f"lesson:{le.id}", "lesson", le.src, le.title, le.summary or "；".join(le.objectives),
                        _plain(le.body), le.topics, (), (), le.stage))
    for c in project.campaigns:
        acts = "；".join(f"{a.type}{a.note}" for a in c.activities)
        docs.append(Doc(f"campaign:{c.id}", "campaign", f"campaigns/{c.id}.md", c.title, c.goal, acts,
                        c.topics, c.audiences))
    return docs + list(laws or ())


LAW_TEXT_LIMIT = 6000  # characters of each law indexed: its general provisions, where most queries land


def law_docs(library, limit: int | None = None) -> list[Doc]:
    """The newest version of every law in the library that has its whole text, one document each.
    Only the first LAW_TEXT_LIMIT characters are indexed: whole codes would make the index ten times
    slower to build (measured: 1,489 documents in 137 s) for little gain at a villager's doorstep."""
    docs = []
    for name in sorted(library.laws)[:limit]:
        version = next((v for v in reversed(library.versions(name)) if library.complete(name, v)), None)
        if version is None:
            continue
        articles = next(t.articles for t in library.texts(name, version) if not t.partial and t.has_text)
        body = "\n".join(articles.values())[:LAW_TEXT_LIMIT]
        docs.append(Doc(f"law:{name}", "law", "", name, f"{name}（{version}）", body, laws=(name,)))
    return docs


def _plain(markdown: str) -> str:
    text = re.sub(r"<[^>]+>", " ", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s*(?:[#>*+-]+|\d+\.|!!!.*|\?\?\?.*)\s*", "", text, flags=re.M)
    return re.sub(r"[*_`|{}]+", "", text)


# ---------------------------------------------------------------- building, cached and locked
def _pinyin(word: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(word))


IndexBusy = Busy  # the name the CLI and tests know


def open_index(cache_dir: Path, docs: list[Doc], vocab: Vocabulary, wait: float = 120.0) -> index.Index:
    """The index for exactly these documents and words, building it if needed.

    A second process building the same project waits for the first (up to `wait` seconds) and then
    uses what the first built."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    quiet_jieba(cache_dir)
    teach_jieba(vocab)
    key = hashlib.sha256(f"{ANALYZER_VERSION}|{vocab.digest}|".encode()
                         + "".join(sorted(d.digest for d in docs)).encode()).hexdigest()[:16]
    final = cache_dir / f"search-{key}"
    if (final / "READY").exists():
        return index.open_dir(str(final))
    with _lock(cache_dir / "search.lock", wait):
        if not (final / "READY").exists():
            _build(cache_dir, final, docs, vocab)
    return index.open_dir(str(final))


def _lock(path: Path, wait: float):
    return held(path, wait, f"另一个进程正在建立搜索索引（{path}），等了 {wait:.0f} 秒仍未完成")


def _build(cache_dir: Path, final: Path, docs: list[Doc], vocab: Vocabulary) -> None:
    tmp = cache_dir / f"{final.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    previous = _latest_index(cache_dir, vocab)
    wanted = {d.uid: d for d in docs}
    if previous is not None:
        # Incremental: start from the last index built with the same words; touch only what changed.
        shutil.copytree(previous, tmp)
        (tmp / "READY").unlink(missing_ok=True)
        ix = index.open_dir(str(tmp))
        with ix.searcher() as s:
            have = {f["uid"]: f["digest"] for f in s.all_stored_fields()}
        writer = ix.writer(limitmb=256)
        for uid in have.keys() - wanted.keys():
            writer.delete_by_term("uid", uid)
        for uid, doc in wanted.items():
            if have.get(uid) != doc.digest:
                writer.update_document(**_fields(doc, vocab))
        writer.commit(optimize=len(have) < 2000)
    else:
        tmp.mkdir(parents=True)
        ix = index.create_in(str(tmp), SCHEMA)
        writer = ix.writer(limitmb=256)
        for doc in docs:
            writer.add_document(**_fields(doc, vocab))
        writer.commit()
    (tmp / "VOCAB").write_text(vocab.digest, "utf-8")
    (tmp / "READY").write_text("ok", "utf-8")
    os.replace(tmp, final)
    for old in cache_dir.glob("search-*"):  # keep the newest only; readers hold open files safely
        if old != final and not old.name.startswith(f"{final.name}.tmp"):
            shutil.rmtree(old, ignore_errors=True)


def _latest_index(cache_dir: Path, vocab: Vocabulary) -> Path | None:
    ready = [p for p in cache_dir.glob("search-*") if (p / "READY").exists() and (p / "VOCAB").exists()
             and (p / "VOCAB").read_text("utf-8") == vocab.digest]
    return max(ready, key=lambda p: (p / "READY").stat().st_mtime) if ready else None


def _fields(doc: Doc, vocab: Vocabulary) -> dict:
    text = f"{doc.title}\n{doc.summary}\n{doc.body}"
    colloquial = " ".join(vocab.colloquial_for(text))
    return dict(uid=doc.uid, kind=doc.kind, path=doc.path, title=doc.title, summary=doc.summary, body=doc.body,
                colloquial=colloquial, words=f"{text}\n{colloquial}", topics=",".join(doc.topics),
                audiences=",".join(doc.audiences), laws=",".join(doc.laws), stage=doc.stage, digest=doc.digest)


_TAUGHT: set[str] = set()


def teach_jieba(vocab: Vocabulary) -> None:
    """Let jieba keep villagers' words whole (打牌赢钱, 电瓶车) when it segments text and queries."""
    import jieba

    for word in [*vocab.synonyms, *(t for ts in vocab.synonyms.values() for t in ts)]:
        if word not in _TAUGHT and len(word) > 1:
            jieba.add_word(word, freq=20000)
            _TAUGHT.add(word)


# ---------------------------------------------------------------- querying
@dataclass
class Hit:
    uid: str
    kind: str
    path: str
    title: str
    summary: str
    snippet: str
    topics: tuple[str, ...]
    audiences: tuple[str, ...]
    score: float


@dataclass
class Answer:
    query: str
    words: list[str]
    hits: list[Hit]
    suggestions: list[str] = field(default_factory=list)
    relaxed: bool = False  # no exact match; these share some characters with the query


FILLER = set("的了吗呢啊吧呀哇嘛么哦噢我你他她它们在是有被把给和跟与就都也还又才要会能想让去来过着个这那哪谁啥俺咱咋不")


def query_words(text: str, vocab: Vocabulary) -> list[str]:
    """The words that carry a query's meaning: particles and filler dropped, villagers' phrases kept."""
    import jieba

    text = normalize(text)
    for particle in sorted(vocab.particles, key=len, reverse=True):
        text = text.replace(particle, " ")
    words = []
    for chunk in PUNCT.split(text):
        run = ""  # consecutive lone characters jieba could not place: an unknown word or a typo
        for word in [*jieba.cut(chunk, HMM=False), ""]:
            word = word.strip()
            if len(word) == 1 and word not in FILLER and not PUNCT.fullmatch(word):
                run += word
                continue
            if run:
                words.append(run)
                run = ""
            if len(word) > 1 and not PUNCT.fullmatch(word):
                words.append(word)
    long_words = [w for w in words if len(w) > 1]
    return long_words or words  # a lone character (赌) is searched only when nothing longer is there


def _text_query(fieldname: str, word: str) -> query.Query:
    terms = [t.text for t in BIGRAMS(word)]
    bigrams = [t for t in terms if len(t) == 2 or not _CJK.fullmatch(t)]
    if len(word) <= 2 or len(bigrams) < 2:
        return query.Term(fieldname, normalize(word))
    return query.Phrase(fieldname, bigrams)


def _word_query(word: str, vocab: Vocabulary, relaxed: bool = False) -> query.Query:
    alternatives = [word, *vocab.synonyms.get(word, ())]
    parts = []
    for alt in alternatives:
        if relaxed:  # any shared bigram, or any character of a short word
            grams = [t.text for t in BIGRAMS(alt) if len(t.text) == 2 or len(alt) <= 2]
            parts += [query.Term(f, g) for f in TEXT_FIELDS for g in grams]
        else:
            parts += [_text_query(f, alt) for f in TEXT_FIELDS]
            parts.append(query.Term("words", normalize(alt)))
    return query.Or(parts)


def snippet(body: str, terms: Sequence[str], width: int = 60) -> str:
    """A short passage around the first place any term occurs, each occurrence in <mark>."""
    text = re.sub(r"\s+", " ", body).strip()
    found = [(text.find(t), t) for t in sorted(set(terms), key=len, reverse=True) if t and t in text]
    if not found:
        return ""
    first = min(i for i, _ in found)
    start = max(0, first - width // 3)
    part = text[start:start + width]
    pattern = re.compile("|".join(re.escape(escape(t)) for _, t in found))
    marked = pattern.sub(lambda m: f"<mark>{m.group()}</mark>", escape(part))
    return ("…" if start else "") + marked + ("…" if start + width < len(text) else "")


class Searcher:
    def __init__(self, ix: index.Index, vocab: Vocabulary):
        self.ix, self.vocab = ix, vocab
        self.searcher = ix.searcher(weighting=scoring.BM25F())
        self._vocabulary: list[str] | None = None

    def close(self) -> None:
        self.searcher.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def search(self, text: str, *, topic: str | None = None, audience: str | None = None,
               kind: str | None = None, limit: int = 10) -> Answer:
        words = query_words(text, self.vocab)
        if not words:
            return Answer(text, [], [])
        filters = [query.Term(name, value) for name, value in
                   (("topics", topic), ("audiences", audience), ("kind", kind)) if value]
        filter_q = query.And(filters) if filters else None
        results = self._run(words, filter_q, limit)
        suggestions: list[str] = []
        relaxed = False
        if results.is_empty():
            # Pinyin input makes homophones the commonest typo (公钱 for 工钱): try the known words
            # that sound the same before loosening the query.
            corrected = [self.homophone(w) or w for w in words]
            if corrected != words:
                results = self._run(corrected, filter_q, limit)
                if not results.is_empty():
                    suggestions, words = ["".join(corrected)], corrected
        if results.is_empty():
            relaxed = True
            q = query.Or([_word_query(w, self.vocab, relaxed=True) for w in words])
            results = self.searcher.search(q, limit=limit, filter=filter_q)
            suggestions = self.suggest(words)
        terms = [t for w in words for t in (w, *self.vocab.synonyms.get(w, ()))]
        return Answer(text, words, [self._hit(r, terms) for r in results], suggestions, relaxed)

    def _run(self, words: list[str], filter_q, limit: int):
        q = query.Or([_word_query(w, self.vocab) for w in words])
        return self.searcher.search(q, limit=limit, filter=filter_q)

    def _hit(self, r, terms: Sequence[str] = ()) -> Hit:
        return Hit(r["uid"], r["kind"], r["path"], r["title"], r.get("summary", ""),
                   snippet(r.get("body", ""), terms) or r.get("summary", ""),
                   tuple(t for t in r.get("topics", "").split(",") if t),
                   tuple(a for a in r.get("audiences", "").split(",") if a), r.score)

    @property
    def known_words(self) -> list[str]:
        if self._vocabulary is None:
            known = set(self.vocab.synonyms) | {t for ts in self.vocab.synonyms.values() for t in ts}
            self._vocabulary = sorted(w for w in known if len(w) > 1)
            self._sounds: dict[str, list[str]] = {}
            for w in self._vocabulary:
                self._sounds.setdefault(_pinyin(w), []).append(w)
        return self._vocabulary

    def homophone(self, word: str) -> str | None:
        """A known word that sounds exactly like `word` (same pinyin, tones ignored)."""
        _ = self.known_words  # builds the sound table on first use
        same = [w for w in self._sounds.get(_pinyin(word), []) if w != word]
        return same[0] if same else None

    def suggest(self, words: list[str]) -> list[str]:
        """Known words close to what was typed: same sound first, then similar characters."""
        out = [h for w in words if (h := self.homophone(w))]
        for w in words:
            out += [m for m in difflib.get_close_matches(w, self.known_words, n=3, cutoff=0.5) if m != w]
        return list(dict.fromkeys(out))[:5]

    def related(self, uid: str, kind: str = "material", limit: int = 3) -> list[Hit]:
        """Documents most like this one (by its distinctive words), excluding itself."""
        docnum = self.searcher.document_number(uid=uid)
        if docnum is None:
            return []
        stored = self.searcher.stored_fields(docnum)
        text = f"{stored['title']} {stored['summary']} {stored['body'][:600]}"
        results = self.searcher.more_like(docnum, "words", text=text, top=limit + 8, numterms=12,
                                          filter=query.Term("kind", kind))
        return [self._hit(r) for r in results if r["uid"] != uid][:limit]
