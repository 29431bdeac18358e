"""Text hygiene: what may be stored, and how stored text is shown safely.

Stored text is kept as typed (after trimming). Whatever shows it, the CLI or the TUI,
passes it through ``visible`` first, so control characters, terminal escape sequences
and bidirectional overrides appear as harmless visible marks instead of acting on the
terminal. Markup such as ``[bold]`` is never interpreted: faces render stored text as
plain text.
"""

from __future__ import annotations

import re
import unicodedata

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-byte escapes, and
# the 8-bit C1 forms of CSI (0x9b) and OSC (0x9d).
_ESCAPE_SEQ = re.compile(
    r"(?:\x1b\[[0-?]*[ -/]*[@-~])"
    r"|(?:\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?)"
    r"|(?:\x9b[0-?]*[ -/]*[@-~])"
    r"|(?:\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)?)"
    r"|(?:\x1b[@-_])"
)
# Lone surrogates count as control characters: they are what Python makes of bytes that
# are not UTF-8 (in ``sys.argv``, for one), and no database or terminal can take them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


# The largest integer SQLite stores, so the largest number a record can have.
MAX_RECORD_ID = 2**63 - 1


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate: what Python makes of bytes that are not
    UTF-8 (``mops brief add $'\\xff'``). No database, file or terminal can take one."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def without_surrogates(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, the character that stands
    for bytes that could not be read."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def record_number(text: str) -> int | None:
    """The record number ``text`` names: ASCII digits, after an optional ``#`` (``12``,
    ``#12``); ``None`` for any other text (``²`` is a digit to ``str.isdigit`` but no
    number). Raises ``ValueError`` for a number above ``MAX_RECORD_ID``: no record has
    it, and SQLite cannot even be asked about it."""
    digits = str(text).strip().lstrip("#")
    if not digits.isascii() or not digits.isdigit():
        return None
    number = int(digits)
    if number > MAX_RECORD_ID:
        raise ValueError(f"{quoted(digits)} is larger than any record number")
    return number


def quoted(text: str, limit: int = 30) -> str:
    """``text`` as a refusal quotes it: at most ``limit`` characters (longer text is cut
    and ends in ``...``), and any lone surrogate shown as U+FFFD, since no message, form
    or terminal can carry one."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return _SURROGATE.sub("\ufffd", text)


def _picture(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟, e.g. ␛ for ESC
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<{code:02x}>"


def visible(text: str | None, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character and escape sequence made visible.

    ``ESC[31m`` becomes ``␛[31m``: the user sees what was stored, and the terminal
    receives no control code. Tabs become spaces. Newlines become ``⏎`` unless
    ``keep_newlines`` is set. A lone surrogate, which no terminal can be sent, shows as
    its code (``<dcff>``).
    """
    if not text:
        return ""
    text = text.replace("\t", " ")
    if keep_newlines:
        text = text.replace("\r\n", "\n")
        parts = text.split("\n")
        return "\n".join(_visible_line(p) for p in parts)
    return _visible_line(text.replace("\r\n", "\n").replace("\n", " ⏎ "))


def _visible_line(text: str) -> str:
    text = _CONTROL.sub(lambda m: _picture(m.group()), text)
    text = _ANY_CONTROL.sub(lambda m: _picture(m.group()), text)
    return _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def strip_escapes(text: str) -> str:
    """Remove escape sequences and control characters (for imports that clean up)."""
    text = _ESCAPE_SEQ.sub("", text)
    return _CONTROL.sub("", text)


def has_control(text: str, *, allow_newlines: bool = False) -> bool:
    pattern = _CONTROL if allow_newlines else _ANY_CONTROL
    if allow_newlines:
        return bool(pattern.search(text.replace("\t", "")))
    return bool(pattern.search(text))


def normalise(text: str) -> str:
    """NFC-normalised and trimmed."""
    return unicodedata.normalize("NFC", text).strip()


def single_line(text: str) -> str:
    """Trimmed, NFC, inner whitespace runs folded to one space."""
    return " ".join(normalise(text).split())


def key_of(text: str) -> str:
    """The case-insensitive identity of a name: NFC, folded case, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def fold(text: str) -> str:
    """A search key: casefolded, accents removed, single spaces ("Brûlée" → "brulee")."""
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def cell_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide East Asian characters and emoji count 2)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or ch in "\u200b\u200d\ufe0f\ufe0e":
            continue
        eaw = unicodedata.east_asian_width(ch)
        if eaw in ("W", "F") or ord(ch) >= 0x1F300:
            width += 2
        else:
            width += 1
    return width


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns with an ellipsis, padded to exactly ``width``."""
    if width <= 0:
        return ""
    if cell_width(text) <= width:
        return text + " " * (width - cell_width(text))
    out: list[str] = []
    used = 0
    for ch in text:
        w = cell_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    result = "".join(out) + "…"
    return result + " " * (width - used - 1)


def shown_url(url: str) -> str:
    """A database URL fit to print: a server URL's password is left out."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url
