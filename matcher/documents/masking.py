"""What a document or the public verification page shows of an enterprise's identity.

- 统一社会信用代码: the first six characters (registration authority, kind and province and
  city of registration) and the last four; the eight between as ``*``. The code is not secret,
  but a printed page is often photographed and passed around.
- Name on the public page: the first two characters (usually the place, 济源) and up to six
  at the end (usually the line of business and the form, 科技有限公司), the trade name between
  as ``**``, always two stars whatever its length, so the mask does not tell it either. At
  least two characters are always hidden; a name of four or fewer keeps only its first.
"""

USCC_SHOWN_HEAD, USCC_SHOWN_TAIL = 6, 4
NAME_HEAD, NAME_TAIL, NAME_HIDDEN_AT_LEAST = 2, 6, 2
STARS = "**"


def mask_uscc(uscc: str) -> str:
    hidden = len(uscc) - USCC_SHOWN_HEAD - USCC_SHOWN_TAIL
    if hidden <= 0:
        return "*" * len(uscc)
    return uscc[:USCC_SHOWN_HEAD] + "*" * hidden + uscc[-USCC_SHOWN_TAIL:]


def mask_name(name: str) -> str:
    """济源市金马科技有限公司 → 济源**科技有限公司."""
    if len(name) <= NAME_HEAD + NAME_HIDDEN_AT_LEAST:
        return name[:1] + STARS
    tail = min(NAME_TAIL, len(name) - NAME_HEAD - NAME_HIDDEN_AT_LEAST)
    return name[:NAME_HEAD] + STARS + name[-tail:]
