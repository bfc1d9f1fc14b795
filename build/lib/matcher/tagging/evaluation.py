"""Cross-validated and held-out scores of the tagging pipelines (used by the bench).

Two-class texts appear in the corpus once per class (see ``generator``). Folds are
grouped by text so that no text is on both sides of a split; F1 and calibration
are scored on the single-class texts, and the two-class texts are scored by
whether both of their labels come out in the top two.
"""

from collections import Counter
from dataclasses import dataclass, replace
from typing import Final, cast

import numpy as np
from sklearn.metrics import classification_report, f1_score, log_loss
from sklearn.model_selection import StratifiedGroupKFold

from matcher.tagging.corpus import Corpus
from matcher.tagging.model import SEED, ClassifierName, TaggingModel, fit
from matcher.tagging.taxonomy import TARGETS, Target

FOLDS: Final = 5
_CALIBRATION_BINS: Final = 10


@dataclass(frozen=True)
class Score:
    macro_f1: float
    accuracy: float
    log_loss: float
    calibration_error: float
    """Expected calibration error of the top-1 confidence (10 equal-width bins)."""
    report: str
    mixed_top2: float | None = None
    """Share of two-class texts whose labels all come out in the top two."""


def _score(truth: list[str], classes: list[str], probabilities: np.ndarray) -> Score:
    best = probabilities.argmax(axis=1)
    predicted = [classes[index] for index in best]
    confidence = probabilities[np.arange(len(best)), best]
    correct = np.array([p == t for p, t in zip(predicted, truth, strict=True)])
    bins = np.minimum((confidence * _CALIBRATION_BINS).astype(int), _CALIBRATION_BINS - 1)
    gap = sum(
        abs(correct[bins == b].mean() - confidence[bins == b].mean()) * (bins == b).sum()
        for b in range(_CALIBRATION_BINS)
        if (bins == b).any()
    )
    return Score(
        macro_f1=float(f1_score(truth, predicted, average="macro", zero_division=0)),
        accuracy=float(correct.mean()),
        log_loss=float(log_loss(truth, probabilities, labels=classes)),
        calibration_error=float(gap / len(truth)),
        report=cast(str, classification_report(truth, predicted, digits=3, zero_division=0)),
    )


def cross_validate(corpus: Corpus, classifier: ClassifierName) -> dict[Target, Score]:
    """Stratified, seeded ``FOLDS``-fold cross-validation, grouped by text.

    Folds are stratified on the combination of the three labels, so that each fold
    gets its share of every section, size category and cluster.
    """
    texts = corpus.texts()
    strata = ["/".join(example.label(t) for t in TARGETS) for example in corpus.examples]
    classes = {target: sorted(set(corpus.labels(target))) for target in TARGETS}
    probabilities = {target: np.zeros((len(texts), len(classes[target]))) for target in TARGETS}
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(texts, strata, groups=texts):
        model = fit([corpus.examples[i] for i in train], corpus.sha256, classifier)
        for target in TARGETS:
            labels, predicted = model.probabilities(target, [texts[i] for i in test])
            columns = [classes[target].index(label) for label in labels]
            probabilities[target][np.ix_(test, columns)] = predicted
    copies = Counter(texts)
    single = [i for i, text in enumerate(texts) if copies[text] == 1]
    scores = {}
    for target in TARGETS:
        truth = corpus.labels(target)
        score = _score([truth[i] for i in single], classes[target], probabilities[target][single])
        scores[target] = replace(
            score, mixed_top2=_mixed_top2(texts, truth, classes[target], probabilities[target])
        )
    return scores


def _mixed_top2(
    texts: list[str], truth: list[str], classes: list[str], probabilities: np.ndarray
) -> float | None:
    labels: dict[str, set[str]] = {}
    top2: dict[str, set[str]] = {}
    copies = Counter(texts)
    for i, text in enumerate(texts):
        if copies[text] > 1:
            labels.setdefault(text, set()).add(truth[i])
            top2[text] = {classes[c] for c in np.argsort(-probabilities[i])[:2]}
    hits = [labels[text] <= top2[text] for text in labels]
    return float(np.mean(hits)) if hits else None


def holdout(model: TaggingModel, corpus: Corpus, target: Target) -> Score:
    labels, probabilities = model.probabilities(target, corpus.texts())
    return _score(corpus.labels(target), labels, probabilities)
