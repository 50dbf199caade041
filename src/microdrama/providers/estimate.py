"""Token and cost estimates, for --dry-run and for reserving budget before a call."""

from __future__ import annotations

from microdrama.project.ai_settings import PriceSettings


def estimate_tokens(text: str) -> int:
    """About 1.4 CJK characters or 4 other characters per token (Qwen/GPT-style BPE vocabularies)."""
    cjk = sum(1 for char in text if "\u3000" <= char <= "\u9fff" or "\uf900" <= char <= "\uffef")
    return max(1, round(cjk / 1.4 + (len(text) - cjk) / 4))


def text_cost(price: PriceSettings, prompt_tokens: int, completion_tokens: int) -> float:
    return (
        prompt_tokens * price.input_per_million_tokens + completion_tokens * price.output_per_million_tokens
    ) / 1_000_000


def image_cost(price: PriceSettings, images: int = 1) -> float:
    return images * price.per_image


def speech_cost(price: PriceSettings, characters: int) -> float:
    return characters * price.per_million_characters / 1_000_000
