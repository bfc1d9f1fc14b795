from collections import Counter
from pathlib import Path

import pytest

from matcher.tagging.corpus import DEFAULT_CORPUS, DEFAULT_HOLDOUT, read_corpus
from matcher.tagging.generator import generate, load_vocabulary
from matcher.tagging.taxonomy import CLUSTERS, LABELS_ZH, TARGETS, Target


def test_committed_corpus_is_what_the_generator_writes() -> None:
    assert generate(*load_vocabulary()) == list(read_corpus(DEFAULT_CORPUS).examples)


@pytest.mark.parametrize("target", TARGETS)
def test_corpus_covers_every_label(target: Target) -> None:
    counts = Counter(read_corpus(DEFAULT_CORPUS).labels(target))
    assert set(counts) == set(LABELS_ZH[target])
    assert min(counts.values()) >= 50


def test_corpus_size_and_clusters_only_in_manufacturing() -> None:
    corpus = read_corpus(DEFAULT_CORPUS)
    assert len(corpus.examples) >= 2000 and DEFAULT_CORPUS.stat().st_size < 2_000_000
    assert {e.section for e in corpus.examples if e.cluster != "none"} == {"C"}
    assert set(corpus.labels("cluster")) == set(CLUSTERS)


def test_holdout_is_hand_written_and_covers_every_section() -> None:
    holdout = read_corpus(DEFAULT_HOLDOUT)
    assert not set(holdout.texts()) & set(read_corpus(DEFAULT_CORPUS).texts())
    assert set(holdout.labels("section")) == set(LABELS_ZH["section"])
    assert set(holdout.labels("size_category")) == set(LABELS_ZH["size_category"])
    assert set(holdout.labels("cluster")) == set(CLUSTERS)


def test_labels_that_contradict_the_code_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "corpus.csv"
    path.write_text(
        "text,code,section,size_category,cluster\n软件开发,6513,C,software_it_services,none\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=":2:"):
        read_corpus(path)
