"""The phone's own search index: the township's materials, lessons and campaigns, ranked in the
browser the way `wanjia search` ranks them, from small files fetched as a query needs them
(assets/wanjia-search.json and its parts; see phone_index).

Why not Pagefind (the site had it until 2026-12): Pagefind matches the words typed, while villagers
speak in sentences without legal words (俺家孩子在学校被欺负了咋整). The CLI drops the particles, keeps
villagers' phrases whole, adds the legal words they stand for and ranks by BM25 over title, summary,
body and villagers' words. This file carries exactly what that needs, computed here once: the
particles, the villagers' words, and for each word of the documents its weight in each document
(BM25 with the CLI's field boosts, idf included), so the phone only adds numbers. The words are
jieba's (search mode), and they double as the phone's dictionary for cutting a query into words.
Pagefind indexed exactly these pages (a county's 1,637) and took 0.9 GB beside the build, so it went.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections import Counter

from .cache import NO_CACHE, Cache
from .content.words import Vocabulary, normalize
from .search import FILLER, PUNCT, Doc, project_docs, teach_jieba

FIELD_BOOSTS = (("title", 3.0), ("summary", 2.0), ("body", 1.0), ("colloquial", 1.5))  # as the whoosh schema
K1, B = 1.2, 0.5   # b below whoosh's 0.75: long sheets are not less relevant for being thorough
TERMS_PER_DOC = 400    # a document's strongest words (nearly all: pruning to 160 cost 0.02 in P@1 for 30 kB gz)
KEY_TERMS = 40         # a page's words that find its related materials (see related)


def _words(text: str) -> list[str]:
    import jieba

    return [w for w in jieba.cut_for_search(normalize(text), HMM=False)
            if len(w) > 1 and not PUNCT.fullmatch(w)]


# A document's boosted word counts, by its digest and the vocabulary's: cutting the words is most of
# the cost, and under `wanjia serve` an edit changes one document, not all.
_COUNTS: dict[tuple[str, str], dict[str, float]] = {}


def _counts(d: Doc, vocab: Vocabulary, cache: Cache) -> dict[str, float]:
    key = (d.digest, vocab.digest)
    if key not in _COUNTS:
        def count() -> bytes:
            colloquial = " ".join(vocab.colloquial_for(f"{d.title}\n{d.summary}\n{d.body}"))
            fields = {"title": d.title, "summary": d.summary, "body": d.body, "colloquial": colloquial}
            tf: dict[str, float] = {}
            for name, boost in FIELD_BOOSTS:
                for w in _words(fields[name]):
                    tf[w] = tf.get(w, 0.0) + boost
            return json.dumps(tf, ensure_ascii=False).encode("utf-8")
        if len(_COUNTS) > 20_000:   # a county's documents several times over: start again
            _COUNTS.clear()
        _COUNTS[key] = json.loads(cache.memo("words", f"{d.digest}|{vocab.digest}", count))
    return _COUNTS[key]


def forget_counts() -> None:
    """For a process that builds once (`wanjia build`): the counts are in the cache, and a county's
    77 MB of them would stay through the engine's build, its peak."""
    _COUNTS.clear()


def weights(docs: list[Doc], vocab: Vocabulary, cache: Cache = NO_CACHE) -> list[dict[str, float]]:
    """Each document's words with their BM25 weight (field boosts applied to the term frequency);
    each document's word counts kept in the process and, given, in the project's cache."""
    teach_jieba(vocab)
    counts = [_counts(d, vocab, cache) for d in docs]
    lengths = [sum(tf.values()) for tf in counts]
    n, average = len(docs), (sum(lengths) / len(lengths) if lengths else 1.0)
    df = Counter(w for tf in counts for w in tf)
    out = []
    for tf, length in zip(counts, lengths, strict=True):
        norm = K1 * (1 - B + B * length / average)
        scored = {w: math.log(1 + (n - df[w] + 0.5) / (df[w] + 0.5)) * f * (K1 + 1) / (f + norm) for w, f in tf.items()}
        strongest = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:TERMS_PER_DOC]
        out.append(dict(strongest))
    return out


INDEX = "assets/wanjia-search.json"   # the head; its parts in assets/wanjia-search/
TERMS_FILE_BYTES = 24 * 1024           # a words file's size (JSON, ≈ 8 KB gz): a query's characters fetch one each
DOCS_PER_FILE = 64                     # the results list's lines, a file of them per 64 documents
KIND_FOLDERS = {"material": "materials/", "lesson": "lessons/", "campaign": "campaigns/"}


def phone_index(project, vocab: Vocabulary, topic_names: dict[str, str], cache: Cache = NO_CACHE) -> dict[str, bytes]:
    """The phone's search files, fetched a piece at a time (a county's whole index was 1.8 MB gz;
    a phone on a weak network fetched all of it before its first answer):

    - the head, INDEX: {particles, filler, words: villagers' word → legal words, longest: the
      longest word, terms: how many words files, docs: documents per docs file, kinds: folder →
      [first, end) of its documents (they are listed kind by kind), v: the hash of the parts,
      which the phone asks for as <part>?v=<v>: the head is always asked of the network first (the
      pages do not name the content's version, so an edit changes only the pages it touches)};
    - words files t<k>.json: word → "doc:weight×10,…" for the words whose first character's code
      is k modulo the number of files. A query needs the files of its own characters (every word
      that can start at a character, so the phone cuts the query as the whole dictionary would)
      and of the legal words its villagers' words stand for;
    - docs files d<k>.json: [[page, title, summary, topics]] of documents 64k to 64k+63, fetched
      for the results shown."""
    docs = sorted(project_docs(project), key=lambda d: list(KIND_FOLDERS).index(d.kind))
    postings: dict[str, list[str]] = {}
    for i, doc_weights in enumerate(weights(docs, vocab, cache)):
        for w, score in doc_weights.items():
            postings.setdefault(w, []).append(f"{i}:{round(score * 10)}")
    terms = {w: ",".join(p) for w, p in sorted(postings.items())}
    size = sum(len(w.encode("utf-8")) + len(p) + 6 for w, p in terms.items())
    n_terms = max(1, -(-size // TERMS_FILE_BYTES))
    shards: list[dict[str, str]] = [{} for _ in range(n_terms)]
    for w, p in terms.items():
        shards[ord(w[0]) % n_terms][w] = p
    kinds: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        kinds[KIND_FOLDERS[d.kind]] = [kinds.get(KIND_FOLDERS[d.kind], [i])[0], i + 1]
    rows = [[d.path.removesuffix(".md") + "/", d.title, d.summary, "、".join(topic_names.get(t, t) for t in d.topics)]
            for d in docs]
    dictionary = list(terms) + list(vocab.synonyms)
    head = {
        "particles": sorted(vocab.particles, key=lambda p: (-len(p), p)),
        "filler": "".join(sorted(FILLER)),
        "words": {w: list(t) for w, t in sorted(vocab.synonyms.items())},
        "longest": max(map(len, dictionary), default=1),
        "terms": n_terms, "docs": DOCS_PER_FILE, "kinds": kinds,
    }
    folder = INDEX.removesuffix(".json")
    parts = {f"{folder}/t{k}.json": _json(shard) for k, shard in enumerate(shards)}
    parts.update((f"{folder}/d{k}.json", _json(rows[at:at + DOCS_PER_FILE]))
                 for k, at in enumerate(range(0, len(rows), DOCS_PER_FILE)))
    digest = hashlib.sha256()
    for name, data in parts.items():
        digest.update(name.encode() + b"\0" + data + b"\0")
    head["v"] = digest.hexdigest()[:10]
    return {INDEX: _json(head), **parts}


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def related(docs: list[Doc], doc_weights: list[dict[str, float]], wanted: dict[str, int]) -> dict[str, list[Doc]]:
    """For each document uid in `wanted`, that many materials most like it: its KEY_TERMS strongest
    words that some other document has too, each scored by its weight here times its weight there
    (the phone's BM25 weights). On the demo, 49 % of the links share a topic with their page against
    41 % for whoosh's more_like, and it takes milliseconds, where whoosh's index took seconds to update
    after each edit."""
    df = Counter(w for weights_ in doc_weights for w in weights_)
    postings: dict[str, list[tuple[int, float]]] = {}
    for j, (d, weights_) in enumerate(zip(docs, doc_weights, strict=True)):
        if d.kind == "material":
            for w, score in weights_.items():
                postings.setdefault(w, []).append((j, score))
    out = {}
    for i, d in enumerate(docs):
        if d.uid not in wanted:
            continue
        key = sorted(((w, s) for w, s in doc_weights[i].items() if df[w] > 1), key=lambda kv: (-kv[1], kv[0]))
        scores: dict[int, float] = {}
        for w, s in key[:KEY_TERMS]:
            for j, there in postings.get(w, ()):
                if j != i:
                    scores[j] = scores.get(j, 0.0) + s * there
        best = sorted(scores, key=lambda j: (-scores[j], docs[j].uid))[: wanted[d.uid]]
        out[d.uid] = [docs[j] for j in best]
    return out
