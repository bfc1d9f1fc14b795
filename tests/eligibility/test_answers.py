from dataclasses import replace
from datetime import date

from matcher.eligibility.answers import AnswerCache, catalog_identity
from matcher.eligibility.evaluate import evaluate
from matcher.eligibility.results import EntitlementList
from matcher.policies.catalog import Catalog, default_catalog
from matcher.profiles.parse import parse_profile

DAY = date(2026, 11, 1)
PROFILE = parse_profile({"name": "试算企业", "employees": 12})


def _answers(count: list[int], day: date = DAY) -> EntitlementList:
    """The entitlement list of ``PROFILE``, counted in ``count``."""
    count.append(1)
    return evaluate(PROFILE, day, default_catalog())


def test_an_answer_is_computed_once_per_key() -> None:
    cache, computed = AnswerCache(default_catalog(), 2**20), []
    first = cache.answer(1, 1, DAY, lambda: _answers(computed))
    assert cache.answer(1, 1, DAY, lambda: _answers(computed)) is first
    cache.answer(1, 2, DAY, lambda: _answers(computed))
    cache.answer(2, 1, DAY, lambda: _answers(computed))
    cache.answer(1, 1, date(2026, 11, 2), lambda: _answers(computed))
    assert (len(computed), len(cache)) == (4, 4)


def test_the_least_recently_used_answers_go_first_past_the_bound() -> None:
    size = len(AnswerCache(default_catalog(), 2**20).answer(0, 1, DAY, lambda: _answers([])).body)
    cache, computed = AnswerCache(default_catalog(), 2 * size), []
    cache.answer(1, 1, DAY, lambda: _answers(computed))
    cache.answer(2, 1, DAY, lambda: _answers(computed))
    cache.answer(1, 1, DAY, lambda: _answers(computed))  # 1 is now the most recent
    cache.answer(3, 1, DAY, lambda: _answers(computed))  # 2 goes
    assert len(cache) == 2
    cache.answer(1, 1, DAY, lambda: _answers(computed))
    assert len(computed) == 3
    cache.answer(2, 1, DAY, lambda: _answers(computed))
    assert len(computed) == 4


def test_a_cache_of_no_bytes_keeps_nothing() -> None:
    cache, computed = AnswerCache(default_catalog(), 0), []
    cache.answer(1, 1, DAY, lambda: _answers(computed))
    cache.answer(1, 1, DAY, lambda: _answers(computed))
    assert (len(computed), len(cache)) == (2, 0)


def test_equal_answers_have_equal_tags_and_different_ones_different_tags() -> None:
    one, other = AnswerCache(default_catalog(), 2**20), AnswerCache(default_catalog(), 2**20)
    tagged = one.answer(1, 1, DAY, lambda: _answers([]))
    assert other.answer(7, 3, DAY, lambda: _answers([])).etag == tagged.etag
    later = date(2026, 11, 2)
    assert one.answer(1, 1, later, lambda: _answers([], later)).etag != tagged.etag


def test_the_catalog_identity_follows_its_policies_versions() -> None:
    catalog = default_catalog()
    assert catalog_identity(catalog) == catalog_identity(default_catalog())
    first, *rest = catalog.policies
    changed = Catalog(catalog.root, (replace(first, version="0" * 64), *rest), catalog.facts)
    assert catalog_identity(changed) != catalog_identity(catalog)
