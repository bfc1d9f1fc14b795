"""Character n-gram TF-IDF + linear classifiers, arranged so the three answers agree.

The size category and the cluster are functions of the GB/T 4754-2017 code, and
the section already decides most of them (B, C, D are all 工业; only C has
clusters). So one pipeline predicts the section, and for each target and section
either the label is fixed or a small pipeline, fitted on that section's rows,
predicts it within the section:

    P(label | text) = Σ_section P(section | text) · P(label | text, section)

A text is thus never told "批发和零售业" and "工业" at once, and trade in a
cluster's products ("钢材销售") does not land in the cluster.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, cast

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from matcher.tagging.corpus import DEFAULT_CORPUS, Example, read_corpus
from matcher.tagging.suggestions import (
    NOTE_EMPTY,
    NOTE_NOT_CHINESE,
    NOTE_TRUNCATED,
    IndustrySuggestions,
    Suggestion,
    cap_at_chance,
    section_notes,
)
from matcher.tagging.taxonomy import LABELS_ZH, TARGETS, Target
from matcher.tagging.text import MAX_CHARS, has_chinese, is_blank, normalize

SEED: Final = 4754
ClassifierName = Literal["logreg", "svc_calibrated", "complement_nb"]
CLASSIFIERS: Final[tuple[ClassifierName, ...]] = ("logreg", "svc_calibrated", "complement_nb")
CLASSIFIER: Final[ClassifierName] = "logreg"
"""Chosen by cross-validation, see matcher/data/tagging/README.md."""

WithinSection = Mapping[str, "Pipeline | str"]
"""Per section: the one label the section allows, or a pipeline choosing among several."""


def make_classifier(name: ClassifierName) -> object:
    if name == "logreg":
        return LogisticRegression(C=50.0, class_weight="balanced", max_iter=5000, random_state=SEED)
    if name == "svc_calibrated":
        svc = LinearSVC(C=0.5, class_weight="balanced", random_state=SEED)
        return CalibratedClassifierCV(svc, cv=3)
    return ComplementNB(alpha=0.3)


def build_pipeline(classifier: ClassifierName = CLASSIFIER) -> Pipeline:
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 2), preprocessor=normalize, sublinear_tf=True
    )
    return Pipeline([("tfidf", vectorizer), ("classifier", make_classifier(classifier))])


def _predict(pipeline: Pipeline, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    labels = [str(label) for label in pipeline.classes_]
    return labels, cast(np.ndarray, pipeline.predict_proba(list(texts)))


@dataclass(frozen=True, eq=False)
class TaggingModel:
    section: Pipeline
    within_section: Mapping[Target, WithinSection]
    """For ``size_category`` and ``cluster``."""
    classifier: ClassifierName
    corpus_sha256: str
    """Digest of the corpus file the model learnt from."""

    def probabilities(self, target: Target, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """All labels of a target and, one row per text, their probabilities."""
        sections, by_section = _predict(self.section, texts)
        if target == "section":
            return sections, by_section
        labels = sorted(LABELS_ZH[target])
        result = np.zeros((len(texts), len(labels)))
        for column, section in enumerate(sections):
            weight = by_section[:, column]
            given = self.within_section[target][section]
            if isinstance(given, str):
                result[:, labels.index(given)] += weight
                continue
            within_labels, within = _predict(given, texts)
            for index, label in enumerate(within_labels):
                result[:, labels.index(label)] += weight * within[:, index]
        return labels, result

    def suggest(self, text: str, top_k: int = 3) -> IndustrySuggestions:
        """Rank the labels of each target for a business scope; never fails on text."""
        if top_k < 1:
            raise ValueError(f"top_k must be at least 1, got {top_k}")
        scope = text.strip()
        if is_blank(scope):
            return IndustrySuggestions((), (), (), NOTE_EMPTY)
        notes = []
        if len(scope) > MAX_CHARS:
            scope = scope[:MAX_CHARS]
            notes.append(NOTE_TRUNCATED)
        section, size_category, cluster = (self._rank(target, scope) for target in TARGETS)
        if has_chinese(scope):
            notes.extend(section_notes(section))
        else:
            notes.append(NOTE_NOT_CHINESE)
            section, size_category, cluster = map(cap_at_chance, (section, size_category, cluster))
        return IndustrySuggestions(
            section[:top_k], size_category[:top_k], cluster[:top_k], "；".join(notes) or None
        )

    def _rank(self, target: Target, scope: str) -> tuple[Suggestion, ...]:
        labels, probabilities = self.probabilities(target, [scope])
        names = LABELS_ZH[target]
        return tuple(
            Suggestion(labels[i], names[labels[i]], float(np.clip(probabilities[0, i], 0.0, 1.0)))
            for i in np.argsort(-probabilities[0], kind="stable")
        )


def _fit_within(
    target: Target, examples: Sequence[Example], classifier: ClassifierName
) -> WithinSection:
    by_section: dict[str, list[Example]] = {}
    for example in examples:
        by_section.setdefault(example.section, []).append(example)
    within: dict[str, Pipeline | str] = {}
    for section, rows in by_section.items():
        labels = [example.label(target) for example in rows]
        if len(set(labels)) == 1:
            within[section] = labels[0]
        else:
            within[section] = build_pipeline(classifier).fit([e.text for e in rows], labels)
    return within


def fit(
    examples: Sequence[Example], corpus_sha256: str, classifier: ClassifierName = CLASSIFIER
) -> TaggingModel:
    """Fit all pipelines; ``corpus_sha256`` names the corpus the examples come from."""
    # The problem is small: threaded BLAS in L-BFGS only contends for cores (2x slower).
    with threadpool_limits(limits=1, user_api="blas"):
        section = build_pipeline(classifier).fit(
            [e.text for e in examples], [e.section for e in examples]
        )
        within: dict[Target, WithinSection] = {
            target: _fit_within(target, examples, classifier)
            for target in TARGETS
            if target != "section"
        }
    return TaggingModel(section, within, classifier, corpus_sha256)


def train(corpus_path: Path | None = None) -> TaggingModel:
    """Fit the model on a corpus file (default: the repository corpus)."""
    corpus = read_corpus(corpus_path or DEFAULT_CORPUS)
    return fit(corpus.examples, corpus.sha256)
