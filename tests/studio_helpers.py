"""Helpers shared by the studio's HTTP tests: reading a page's forms as a browser would send them."""

from __future__ import annotations

import re

import httpx


def page_form(client: httpx.Client, number: int, line: str | None = None) -> dict[str, str]:
    """A line form of an episode page (the first one, or the one of `line`, as "SHOT-INDEX"),
    as the browser would send it."""
    html = client.get(f"/episodes/{number}").text
    which = f' id="line-{re.escape(line)}"' if line else ""
    form = re.search(rf'<form method="post" action="/episodes/\d+/lines"[^>]*{which}>.*?</form>', html, re.S)
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group()))
    fields["text"] = re.search(r'<textarea name="text"[^>]*>([^<]*)</textarea>', form.group(), re.S).group(1)  # type: ignore[union-attr]
    fields["speaker"] = re.search(
        r'<select name="speaker">.*?<option value="([^"]+)" selected', form.group(), re.S
    ).group(1)  # type: ignore[union-attr]
    fields["emotion"] = re.search(r'<select name="emotion">.*?<option selected>(\w+)<', form.group(), re.S).group(1)  # type: ignore[union-attr]
    return fields
