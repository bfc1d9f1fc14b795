"""Macro-F1 of the industry tagger: cross-validated on the corpus, then on the holdout.

Run from the repository root:

    .venv/bin/python -m bench.tagging_f1            # chosen classifier, with per-class reports
    .venv/bin/python -m bench.tagging_f1 --compare  # every candidate classifier, summary only

The corpus is synthetic (see matcher/data/tagging/README.md), so the cross-validated
figures are optimistic; the hand-written holdout is the more honest estimate.
"""

import argparse
import time
import warnings

import sklearn

from matcher.tagging.corpus import DEFAULT_CORPUS, DEFAULT_HOLDOUT, read_corpus
from matcher.tagging.evaluation import FOLDS, Score, cross_validate, holdout
from matcher.tagging.model import CLASSIFIER, CLASSIFIERS, ClassifierName, fit
from matcher.tagging.taxonomy import TARGETS

TARGET_F1 = 0.85
"""Goal for sections and size-standard categories."""


def _summary(score: Score) -> str:
    mixed = "" if score.mixed_top2 is None else f"  mixed top-2 {score.mixed_top2:.3f}"
    return (
        f"macro-F1 {score.macro_f1:.3f}  accuracy {score.accuracy:.3f}  "
        f"log loss {score.log_loss:.3f}  ECE {score.calibration_error:.3f}{mixed}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="score every candidate classifier")
    args = parser.parse_args()
    # Folds of a small class can be short of a label; sklearn warns, the scores stay valid.
    warnings.filterwarnings("ignore", category=UserWarning, module="sklearn")

    corpus, held_out = read_corpus(DEFAULT_CORPUS), read_corpus(DEFAULT_HOLDOUT)
    print(
        f"corpus  {DEFAULT_CORPUS.name}: {len(corpus.examples)} rows, sha256 {corpus.sha256[:16]}"
    )
    print(f"holdout {DEFAULT_HOLDOUT.name}: {len(held_out.examples)} hand-written rows")
    print(f"scikit-learn {sklearn.__version__}, stratified {FOLDS}-fold CV grouped by text\n")

    names: tuple[ClassifierName, ...] = CLASSIFIERS if args.compare else (CLASSIFIER,)
    for name in names:
        started = time.perf_counter()
        model = fit(corpus.examples, corpus.sha256, name)
        scores = cross_validate(corpus, name)
        for target in TARGETS:
            cv, ho = scores[target], holdout(model, held_out, target)
            print(f"[{name}] {target}")
            print(f"  CV       {_summary(cv)}")
            print(f"  holdout  {_summary(ho)}")
            if target != "cluster":
                verdict = "ok" if min(cv.macro_f1, ho.macro_f1) >= TARGET_F1 else "BELOW"
                print(f"  target macro-F1 >= {TARGET_F1} on CV and holdout: {verdict}")
            if not args.compare:
                print(f"\n  CV per-class report ({target}):\n{cv.report}")
                print(f"  holdout per-class report ({target}):\n{ho.report}")
        print(f"[{name}] {time.perf_counter() - started:.1f} s\n")


if __name__ == "__main__":
    main()
