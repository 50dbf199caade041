"""The frame of the report pages: one style sheet inline, readable on a laptop and a phone."""

from __future__ import annotations

from html import escape

STYLE = """
body{font-family:system-ui,"Noto Sans SC",sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{padding:.3rem;border-bottom:1px solid #eee;text-align:left}
.scroll{overflow-x:auto}.num{text-align:right}.flag{background:#fff3cd}.ok{color:#2a7}.bad{color:#c33}
svg{max-width:100%;height:auto}.note{color:#666;font-size:.85rem}summary{cursor:pointer;padding:.2rem 0}
"""
END = "</body></html>"


def head(language: str, title: str) -> str:
    return (
        f"<!doctype html><html lang='{escape(language)}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
    )
