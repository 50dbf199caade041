"""Synthesis in worker processes, as the build's process pool runs it (fork and spawn)."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from pathlib import Path

import pytest

from microdrama.audio import narrator_voice, synthesize
from microdrama.audio.synthesize import split_text
from microdrama.model.media import Voice

ZH = ("雨夜，有人敲门。", Voice(engine="espeak-ng", voice="cmn-latn-pinyin+f4", pitch=60), "zh")
EN = ("Who is knocking at this hour?", narrator_voice("en"), "en")


def _job(args: tuple[str, Voice, str, str]) -> tuple[int, float, str]:
    text, voice, language, out = args
    seconds = synthesize(text, voice, language, Path(out))
    return os.getpid(), seconds, hashlib.sha256(Path(out).read_bytes()).hexdigest()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_speak_like_the_parent(tmp_path: Path, method: str) -> None:
    # The parent speaks first, so a forked child inherits loaded engines and must cope.
    _, zh_seconds, zh_digest = _job((*ZH, str(tmp_path / "parent-zh.wav")))
    _, en_seconds, _ = _job((*EN, str(tmp_path / "parent-en.wav")))
    jobs = [(*ZH, str(tmp_path / f"zh{i}.wav")) for i in range(2)] + [(*EN, str(tmp_path / "en.wav"))]
    with multiprocessing.get_context(method).Pool(2) as pool:
        results = pool.map(_job, jobs, chunksize=1)
    assert all(pid != os.getpid() for pid, _, _ in results)
    for _, seconds, digest in results[:2]:
        assert (seconds, digest) == (zh_seconds, zh_digest)  # espeak-ng: the same bytes anywhere
    for _, seconds, _ in results[2:]:
        # Piper: the same length; its bytes can differ in the last bit with onnxruntime's thread count.
        assert seconds == en_seconds


def test_split_text_prefers_sentences_then_clauses_then_words() -> None:
    text = "One two three. Four five, six seven eight. Nine."
    assert split_text(text, 100) == [text]
    assert split_text(text, 30) == ["One two three.", "Four five, six seven eight.", "Nine."]
    assert split_text(text, 20) == ["One two three.", "Four five,", "six seven eight.", "Nine."]
    assert split_text("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    pieces = split_text("ni3 hao3, " * 200, 600)
    assert all(len(p) <= 600 for p in pieces) and "".join(pieces).replace(" ", "") == ("ni3hao3," * 200)
