import time

import pytest

from matcher.tagging.model import TaggingModel
from matcher.tagging.suggestions import NOTE_EMPTY, NOTE_NOT_CHINESE
from matcher.tagging.taxonomy import LABELS_ZH, TARGETS
from matcher.tagging.text import MAX_CHARS


@pytest.mark.parametrize("text", ["", "   ", "\n\t　", "；；、。（）"])
def test_empty_text_gets_no_suggestions_and_a_note(model: TaggingModel, text: str) -> None:
    result = model.suggest(text)
    assert (result.section, result.size_category, result.cluster) == ((), (), ())
    assert result.note == NOTE_EMPTY == "经营范围为空，无法推断行业"


@pytest.mark.parametrize("text", ["Sale of steel products", "LED lighting; software 2024"])
def test_text_without_chinese_gets_chance_level_confidence(model: TaggingModel, text: str) -> None:
    result = model.suggest(text)
    assert result.note is not None and NOTE_NOT_CHINESE in result.note and "中文" in result.note
    for target in TARGETS:
        ranked = getattr(result, target)
        assert ranked and all(s.confidence <= 1 / len(LABELS_ZH[target]) for s in ranked)


def test_very_long_text_is_truncated_and_answered_quickly(model: TaggingModel) -> None:
    text = "钢材加工、销售；" * 12_500  # 100,000 characters
    started = time.perf_counter()
    result = model.suggest(text)
    assert time.perf_counter() - started < 2.0
    assert result.note is not None and f"仅按前{MAX_CHARS}字推断" in result.note
    assert (result.section[0].label, result.cluster[0].label) == ("C", "steel")


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        ("餐饮服务；软件开发", {"H", "I"}),
        ("房地产开发经营；餐饮服务", {"K", "H"}),
        ("钢材加工；道路货物运输（不含危险货物）", {"C", "G"}),
    ],
)
def test_text_mixing_industries_ranks_both_in_the_top_two(
    model: TaggingModel, text: str, sections: set[str]
) -> None:
    result = model.suggest(text, top_k=2)
    assert {s.label for s in result.section} == sections
    assert all(s.confidence >= 0.1 for s in result.section)
    assert result.note is not None and "多个行业" in result.note


@pytest.mark.parametrize(
    ("text", "categories"),
    [
        ("餐饮服务；软件开发", {"catering", "software_it_services"}),
        ("钢材加工；道路货物运输（不含危险货物）", {"industry", "transport"}),
    ],
)
def test_text_mixing_size_categories_ranks_both_in_the_top_two(
    model: TaggingModel, text: str, categories: set[str]
) -> None:
    assert {s.label for s in model.suggest(text, top_k=2).size_category} == categories


def test_top_k_is_validated_and_applied(model: TaggingModel) -> None:
    assert [len(getattr(model.suggest("软件开发", top_k=1), t)) for t in TARGETS] == [1, 1, 1]
    with pytest.raises(ValueError):
        model.suggest("软件开发", top_k=0)


def test_non_sme_sections_are_flagged(model: TaggingModel) -> None:
    note = model.suggest("吸收公众存款；发放短期、中期和长期贷款").note
    assert note is not None and "银发〔2015〕309号" in note
