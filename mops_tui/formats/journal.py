"""The ledger as a plain-text accounting journal (hledger, Ledger and beancount's
``ledger`` importer read it).

Each spend entry is one transaction of two postings: the budget line's expense account
(``expenses:<channel>:<line>``) and the balancing ``liabilities:payable``. Refunds and
reversals are negative amounts, so they credit the expense account. The entry's
reference, id and the entries it reverses or corrects travel as tags in the
transaction comment, so the journal can be traced back to mops.

Text that users typed is made safe for the format: account names lose the colons and
runs of spaces that would split them, descriptions lose the ``|`` that hledger reads as
a payee separator, and every line break or control character becomes a space, so a
hostile payee cannot add postings of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from mops_tui.domain.money import format_money

BALANCING_ACCOUNT = "liabilities:payable"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_SPACES = re.compile(r"\s{2,}")


def _text(value: str) -> str:
    return _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()


def account_part(value: str) -> str:
    """One segment of an account name: no colon, no double space, no control."""
    cleaned = _text(value).replace(":", "-").replace(";", ",")
    return cleaned or "unnamed"


def _tag(value: str) -> str:
    # A tag value ends at a comma or the end of the line.
    return _text(value).replace(",", " ")


def write_journal(entries: Iterable[Mapping[str, Any]], currency: str) -> str:
    """The journal text, one transaction per entry, in the order given. Each entry
    has ``id``, ``date``, ``amount`` (minor units), ``payee``, ``note``,
    ``reference``, ``channel``, ``line`` and optional ``reverses`` / ``corrects``."""
    out: list[str] = [
        f"; mops spend ledger in {currency}",
        f"commodity {format_money(100000, currency, exact=True, symbol=False, grouping=False)}"
        f" {currency}",
        "",
    ]
    for e in entries:
        description = _text(e["payee"]).replace("|", "/") or "(no payee)"
        tags = [f"id:{e['id']}"]
        if e.get("reference"):
            tags.append(f"ref:{_tag(e['reference'])}")
        for link in ("reverses", "corrects"):
            if e.get(link) is not None:
                tags.append(f"{link}:{e[link]}")
        out.append(f"{e['date'].isoformat()} {description}  ; {', '.join(tags)}")
        if e.get("note"):
            out.append(f"    ; {_text(e['note'])}")
        account = f"expenses:{account_part(e['channel'])}:{account_part(e['line'])}"
        amount = format_money(e["amount"], currency, exact=True, symbol=False, grouping=False)
        out.append(f"    {account}  {amount} {currency}")
        out.append(f"    {BALANCING_ACCOUNT}")
        out.append("")
    return "\n".join(out)
