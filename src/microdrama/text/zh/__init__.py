"""Chinese analysis: names and aliases, dialogue attribution, cues, places and time.

Deterministic and offline: jieba's bundled dictionary is the only resource.
"""

from microdrama.text.zh.analyzer import analyze_zh

__all__ = ["analyze_zh"]
