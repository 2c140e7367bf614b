"""Villagers' words: the synonym dictionary (data/synonyms.yml) that maps what people say at the
door to the words the law and the materials use, and the filler words to drop. One vocabulary feeds
the whoosh index, the pages' search marks and the phone's search box."""
from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field

from .model import Synonyms


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


@dataclass(frozen=True)
class Vocabulary:
    """Villagers' words → legal terms, and the filler words to drop."""

    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    particles: tuple[str, ...] = ()

    @classmethod
    def of(cls, synonyms: Synonyms) -> Vocabulary:
        return cls({s.word: s.targets for s in synonyms.words}, synonyms.particles)

    def colloquial_for(self, text: str) -> list[str]:
        """The villagers' words whose legal terms occur in `text` (for index-time injection)."""
        text = normalize(text)
        return [word for word, targets in self.synonyms.items() if any(t in text for t in targets)]

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps([sorted(self.synonyms.items()), self.particles],
                                         ensure_ascii=False).encode("utf-8")).hexdigest()[:12]
