"""Claim facts in words: an enumerated value by the word its policy gives, an ID hash shortened.

A policy file labels an enumeration but not its values; by the catalog's convention the label
ends with the values' words, in order, in full-width brackets:
``合作方式（共同研发/购买科技成果/购买有效发明专利）``. Where the words do not match the values
one for one, the value itself is shown.
"""

import re

from matcher.payouts.founder_keys import ID_HASH_SUFFIX
from matcher.policies.compile import CompiledPolicy
from matcher.policies.model import ClaimFact
from matcher.profiles.labels import show_value
from matcher.rules.ast import Value
from matcher.web.views.policy import SHORT_VERSION

_WORDS = re.compile(r"（([^（）]+)）$")


def value_words(fact: ClaimFact) -> dict[str, str]:
    """Each value of an enumerated claim fact with its word (the value when there is none)."""
    values = fact.values or ()
    found = _WORDS.search(fact.label)
    words = found.group(1).split("/") if found else []
    if len(words) != len(values):
        return {value: value for value in values}
    return dict(zip(values, words, strict=True))


def show_claim_value(policy: CompiledPolicy, path: str, value: Value) -> str:
    """``value`` of fact ``path`` as a person reads it; claim facts in their policy's words."""
    name = path.removeprefix("claim.")
    fact = policy.policy.claim_facts.get(name) if path.startswith("claim.") else None
    if fact is None or value is None:
        return show_value(path, value)
    if fact.type == "enum":
        return value_words(fact).get(str(value), str(value))
    if name.endswith(ID_HASH_SUFFIX):
        return f"{str(value)[:SHORT_VERSION]}…（哈希）"
    return show_value(path, value)
