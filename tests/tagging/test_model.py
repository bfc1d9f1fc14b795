from pathlib import Path

import numpy as np
import pytest

from matcher.tagging.corpus import read_corpus
from matcher.tagging.model import TaggingModel, train
from matcher.tagging.taxonomy import LABELS_ZH, TARGETS

PROBES = ["钢材加工、销售", "软件开发", "餐饮服务；软件开发", "Sale of steel products", "物业管理"]


@pytest.mark.parametrize(
    ("text", "section", "category", "cluster"),
    [
        ("钢材加工、销售；金属制品制造；机械设备租赁", "C", "industry", "steel"),
        ("预包装食品销售；饮料生产", "C", "industry", "food"),
        ("银饰品加工、销售", "C", "industry", "silver"),
        ("纳米材料生产、销售", "C", "industry", "nano"),
        ("软件开发", "I", "software_it_services", "none"),
        ("餐饮服务", "H", "catering", "none"),
        ("住宿服务", "H", "accommodation", "none"),
        ("小麦种植", "A", "agriculture", "none"),
        ("建筑工程施工总承包", "E", "construction", "none"),
        ("道路货物运输（不含危险货物）", "G", "transport", "none"),
        ("装卸搬运", "G", "transport", "none"),
        ("普通货物仓储服务（不含危险化学品等需许可审批的项目）", "G", "warehousing", "none"),
        ("快递服务", "G", "postal", "none"),
        ("第二类增值电信业务", "I", "information_transmission", "none"),
        ("房地产开发经营", "K", "real_estate_development", "none"),
        ("物业管理", "K", "property_management", "none"),
        ("劳务派遣服务", "L", "leasing_business_services", "none"),
        ("检验检测服务", "M", "other_unlisted", "none"),
        ("药品零售", "F", "retail", "none"),
        ("钢材批发", "F", "wholesale", "none"),
    ],
)
def test_known_texts_get_the_right_top_labels(
    model: TaggingModel, text: str, section: str, category: str, cluster: str
) -> None:
    result = model.suggest(text)
    assert (result.section[0].label, result.size_category[0].label, result.cluster[0].label) == (
        section,
        category,
        cluster,
    )


def test_suggestions_are_ranked_probabilities_with_chinese_names(model: TaggingModel) -> None:
    result = model.suggest("钢材加工、销售；软件开发", top_k=5)
    for target in TARGETS:
        ranked = getattr(result, target)
        assert len(ranked) == 5
        confidences = [s.confidence for s in ranked]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0.0 <= c <= 1.0 for c in confidences)
        assert all(s.label_zh == LABELS_ZH[target][s.label] for s in ranked)


def test_the_three_targets_agree(model: TaggingModel) -> None:
    """Size category and cluster are derived through the section, so they cannot contradict it."""
    _, sections = model.probabilities("section", PROBES)
    for target in TARGETS:
        labels, probabilities = model.probabilities(target, PROBES)
        assert np.allclose(probabilities.sum(axis=1), 1.0)
    labels, categories = model.probabilities("size_category", PROBES)
    section_labels, _ = model.probabilities("section", PROBES)
    industry = sum(sections[:, section_labels.index(s)] for s in "BCD")
    assert np.allclose(categories[:, labels.index("industry")], industry)
    labels, clusters = model.probabilities("cluster", PROBES)
    assert np.all(1 - clusters[:, labels.index("none")] <= sections[:, section_labels.index("C")])


def test_training_is_deterministic(small_corpus: Path) -> None:
    first, second = train(small_corpus), train(small_corpus)
    assert first.corpus_sha256 == second.corpus_sha256 == read_corpus(small_corpus).sha256
    for target in TARGETS:
        assert first.probabilities(target, PROBES)[0] == second.probabilities(target, PROBES)[0]
        assert np.array_equal(
            first.probabilities(target, PROBES)[1], second.probabilities(target, PROBES)[1]
        )
