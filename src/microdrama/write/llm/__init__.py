"""The LLM writer: a series from an idea (``new``), and adapted episodes rewritten (``rewrite``).

Every model call goes through ``providers.gateway.Gateway.structured``: a flat reply
model whose JSON schema constrains the embedded model, a check whose problems are sent
back for repair, and the gateway's cache, so a re-run never pays twice.
"""

from microdrama.write.llm.common import prompt_versions
from microdrama.write.llm.new import check_idea, write_series
from microdrama.write.llm.prompts import Prompt, load_prompt
from microdrama.write.llm.rewrite import episode_passages, rewrite_episode

__all__ = [
    "Prompt",
    "check_idea",
    "episode_passages",
    "load_prompt",
    "prompt_versions",
    "rewrite_episode",
    "write_series",
]
