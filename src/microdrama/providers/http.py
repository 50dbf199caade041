"""The HTTP layer every network backend shares: one attempt per call, failures sorted for the gateway.

A call either returns the parsed answer or raises: ``TransientProviderError`` for what a retry can
fix (timeouts, connection errors and resets, 408/429/5xx, a cut-off or non-JSON body where JSON was
expected), ``ProviderError`` for what it cannot (a rejected key, other 4xx). Retries, backoff and
rate limits belong to the gateway, so nothing here sleeps or loops.

The API key travels only in the Authorization header, and only to the configured origin; error
messages and logs name the endpoint, never the key, and any echo of the key by a server is masked.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import re
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from io import BytesIO
from typing import Any, NoReturn
from urllib.parse import urlsplit, urlunsplit

import httpx
from PIL import Image

from microdrama.errors import ProviderError, TransientProviderError
from microdrama.project.ai_settings import is_http_url

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 300
ErrorDescriber = Callable[[Any], str | None]  # JSON error body -> a short message, or None to use the default


def validate_base_url(url: str, what: str = "base_url") -> str:
    """The URL without a trailing slash, or ProviderError unless it is http(s) with a host."""
    text = (url or "").strip()
    if not is_http_url(text):
        shown = repr(display_url(text)) if text else "(empty)"
        raise ProviderError(f"{what} {shown} must be an http(s) URL such as http://127.0.0.1:8080/v1")
    return text.rstrip("/")


def display_url(url: str) -> str:
    """The URL as safe to show: no user:password, no query string."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(an unparseable URL)"
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: integer (or decimal) seconds, or an HTTP-date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # HTTP-dates are GMT; a zone-less one is taken the same way
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def describe_error_body(body: Any) -> str | None:
    """The message in the common error shapes: {"error": {"message"}}, {"error": "..."}, {"detail"}, {"message"}."""
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):
        message = error.get("message")
        if isinstance(message, str) and message:
            details = error.get("details")
            return f"{message}: {details}" if isinstance(details, str) and details else message
    if isinstance(error, str) and error:
        return error
    for key in ("detail", "message"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, list) and value:  # FastAPI-style validation errors
            return "; ".join(str(item.get("msg", item)) if isinstance(item, dict) else str(item) for item in value)
    return None


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def as_png(data: bytes, source: str) -> bytes:
    """The image as PNG bytes, converting other formats; ProviderError if it is not an image at all."""
    try:
        with Image.open(BytesIO(data)) as probe:
            probe.verify()  # catches truncated or corrupt files that open() alone accepts
        with Image.open(BytesIO(data)) as image:
            if image.format == "PNG":
                return data
            image.load()
            converted = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")
            out = BytesIO()
            converted.save(out, format="PNG")
            return out.getvalue()
    except Exception as error:  # Pillow raises many types (OSError, SyntaxError, DecompressionBombError…)
        raise ProviderError(f"{source} returned data that is not a readable image ({type(error).__name__})") from error


class HttpClient:
    """A sync httpx client bound to one base URL, one provider name and (optionally) one API key."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        *,
        timeout: float,
        api_key: str | None = None,
        api_key_env: str | None = None,
        describe_error: ErrorDescriber = describe_error_body,
    ) -> None:
        self.provider = provider
        self.base_url = validate_base_url(base_url, f"provider {provider!r}: base_url")
        self._api_key = (api_key or "").strip() or None
        if self._api_key and not all(33 <= ord(char) < 127 for char in self._api_key):
            # httpx would refuse the header and quote it in the error; say what is wrong without showing it.
            source = f"${api_key_env}" if api_key_env else "the provider's API key"
            raise ProviderError(
                f"provider {provider!r}: {source} contains spaces, line breaks or non-ASCII characters; "
                "an API key cannot, so check how it was set"
            )
        self._api_key_env = api_key_env
        self._describe_error = describe_error
        parts = urlsplit(self.base_url)
        self._origin = (parts.scheme.lower(), parts.netloc.lower())
        # A proxy from the environment must not capture a server on this machine (Ollama, llama.cpp…).
        trust_env = not is_loopback(parts.hostname or "")
        self._client = httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True, trust_env=trust_env)

    def close(self) -> None:
        self._client.close()

    def url(self, path: str) -> str:
        """An absolute http(s) URL as given, or a path joined to the base URL."""
        if urlsplit(path).scheme:  # a URL the server handed back (e.g. a hosted image): only http(s) is fetched
            return validate_base_url(path, f"provider {self.provider!r}: the URL the server returned,")
        return f"{self.base_url}/{path.lstrip('/')}"

    # -- the four calls backends use --------------------------------------------------------------

    def post_json(self, path: str, body: Mapping[str, Any]) -> Any:
        return self._json(self._send("POST", path, json=body))

    def post_multipart(self, path: str, fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes, str]]) -> Any:
        """``files`` maps a form field to (filename, content, content type)."""
        return self._json(self._send("POST", path, data=dict(fields), files=dict(files)))

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        return self._json(self._send("GET", path, params=params))

    def get_bytes(self, path: str, params: Mapping[str, str] | None = None) -> tuple[bytes, str]:
        """(body, content type) of a GET; ``path`` may be an absolute URL (e.g. an image the server hosts)."""
        response = self._send("GET", path, params=params)
        return response.content, response.headers.get("content-type", "")

    def post_json_for_bytes(self, path: str, body: Mapping[str, Any]) -> tuple[bytes, str]:
        """(body, content type) of a JSON POST whose answer is binary, e.g. synthesized audio."""
        response = self._send("POST", path, json=body)
        return response.content, response.headers.get("content-type", "")

    # -- internals ----------------------------------------------------------------------------------

    def _headers_for(self, url: str) -> dict[str, str]:
        parts = urlsplit(url)
        same_origin = (parts.scheme.lower(), parts.netloc.lower()) == self._origin
        return {"Authorization": f"Bearer {self._api_key}"} if self._api_key and same_origin else {}

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = self.url(path)
        where = f"{method} {display_url(url)}"
        started = time.monotonic()
        try:
            response = self._client.request(method, url, headers=self._headers_for(url), **kwargs)
        except httpx.TimeoutException as error:
            raise TransientProviderError(f"{self._who()}: {where} timed out ({type(error).__name__})") from error
        except (httpx.UnsupportedProtocol, httpx.TooManyRedirects, httpx.InvalidURL) as error:  # e.g. sent to ftp://
            raise ProviderError(f"{self._who()}: {where} failed: {shorten(self._mask(str(error)))}") from error
        except (httpx.TransportError, httpx.DecodingError) as error:  # refused, reset, cut-off or garbled body
            reason = self._mask(str(error)) or type(error).__name__
            raise TransientProviderError(f"{self._who()}: {where} failed: {shorten(reason)}") from error
        log.debug("%s → %d in %.2f s", where, response.status_code, time.monotonic() - started)
        if response.is_success:
            return response
        self._raise_for_status(response, where)

    def _raise_for_status(self, response: httpx.Response, where: str) -> NoReturn:
        status = response.status_code
        detail = self._server_message(response)
        said = f": {detail}" if detail else ""
        if status in (408, 429) or status >= 500:
            retry_after = retry_after_seconds(response.headers.get("retry-after"))
            raise TransientProviderError(f"{self._who()}: {where} answered HTTP {status}{said}", retry_after)
        if status in (401, 403):
            raise ProviderError(f"{self._who()}: {self._key_advice(status)} (HTTP {status} from {where}){said}")
        hint = " (check base_url and the model name)" if status == 404 else ""
        raise ProviderError(f"{self._who()}: {where} answered HTTP {status}{said}{hint}")

    def _server_message(self, response: httpx.Response) -> str:
        try:
            body = response.json()
        except ValueError:  # not JSON: use the text, unless it is an HTML error page
            text = response.text
            return "" if "<html" in text[:500].lower() else self._mask(shorten(text))
        message = self._describe_error(body) or describe_error_body(body) or json.dumps(body, ensure_ascii=False)
        return self._mask(shorten(message))

    def _key_advice(self, status: int) -> str:
        env = f" ${self._api_key_env}" if self._api_key_env else ""
        if not self._api_key:
            where = f"set{env}" if env else "set the provider's API key"
            return f"the server wants an API key and none was sent; {where}"
        source = f" from{env}" if env else ""
        if status == 401:
            return f"the server rejected the API key{source}; check it"
        return f"the server refused the API key{source} (a wrong key, or no access to this model or endpoint)"

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as error:  # includes UnicodeDecodeError and json.JSONDecodeError
            preview = shorten(response.text[:120], 120) if response.content else "an empty body"
            raise TransientProviderError(
                f"{self._who()}: {response.request.method} {display_url(str(response.request.url))} "
                f"answered with a truncated or non-JSON body ({self._mask(preview)})"
            ) from error

    def _mask(self, text: str) -> str:
        return text.replace(self._api_key, "***") if self._api_key else text

    def _who(self) -> str:
        return f"provider {self.provider!r}"


def require(condition: bool, provider: str, what: str) -> None:
    """ProviderError for a well-formed answer that lacks what the protocol promises (retrying will not help)."""
    if not condition:
        raise ProviderError(f"provider {provider!r}: unexpected answer: {what}")


class Options:
    """Typed access to ``ProviderSettings.options``; a wrong type is a ProviderError naming provider and option."""

    def __init__(self, provider: str, values: Mapping[str, Any]) -> None:
        self.provider = provider
        self.values = values

    def _bad(self, key: str, wanted: str) -> ProviderError:
        return ProviderError(f"provider {self.provider!r}: option {key} must be {wanted}, not {self.values[key]!r}")

    def flag(self, key: str, default: bool) -> bool:
        value = self.values.get(key, default)
        if not isinstance(value, bool):
            raise self._bad(key, "true or false")
        return value

    def number(self, key: str, default: float, *, minimum: float = 0.0) -> float:
        value = self.values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < minimum:
            raise self._bad(key, f"a number ≥ {minimum:g}")
        return float(value)

    def integer(self, key: str) -> int | None:
        value = self.values.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self._bad(key, "a positive whole number")
        return value

    def text(self, key: str) -> str | None:
        value = self.values.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._bad(key, "a string")
        return value.strip() or None

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.values.get(key, [])
        if not isinstance(value, list | tuple) or not all(isinstance(item, str) and item.strip() for item in value):
            raise self._bad(key, "a list of strings")
        return tuple(item.strip() for item in value)

    def sizes(self, key: str) -> tuple[str, ...]:
        sizes = self.texts(key)
        if not all(re.fullmatch(r"[1-9]\d*x[1-9]\d*", size) for size in sizes):
            raise self._bad(key, 'a list of "WIDTHxHEIGHT" strings such as "768x1344"')
        return sizes
