"""Compose the synthetic corpus from the phrase vocabulary in ``matcher/data/tagging/phrases.yaml``.

Each row picks one to three main-activity phrases of a GB/T 4754-2017 class, adds
side activities of that class and, sometimes, generic side activities of any
firm, and wraps them in one of the usual registration layouts. The output is a
pure function of the vocabulary and the seed.

A share of the texts deliberately joins the main activities of two classes from
different sections. Such a text is written once per class, so the model learns
to split its confidence between the two: which industry a two-industry scope
belongs to depends on revenue shares the text does not state.

Regenerate with ``python -m matcher.tagging.generator``.
"""

import math
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml

from matcher.tagging.corpus import DATA_DIR, DEFAULT_CORPUS, Example, write_corpus
from matcher.tagging.taxonomy import TARGETS, section_of

PHRASES: Final = DATA_DIR / "phrases.yaml"
SEED: Final = 4754
ROWS_PER_PROFILE: Final = 7
MIN_ROWS_PER_LABEL: Final = 60
"""Rows every section, size category and cluster gets at least, for stratified CV."""
MIXED_TEXTS: Final = 300
"""Texts joining two classes of different sections, each written once per class."""

_LAYOUTS: Final = (
    "一般项目：{}（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）",
    "{}（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
    "{}",
    "{}。",
)


@dataclass(frozen=True)
class Profile:
    code: str
    cluster: str
    core: tuple[str, ...]
    extra: tuple[str, ...]


def _split(phrases: str) -> tuple[str, ...]:
    return tuple(phrase.strip() for phrase in phrases.split("；") if phrase.strip())


def load_vocabulary(path: Path = PHRASES) -> tuple[tuple[str, ...], tuple[Profile, ...]]:
    """Return the generic side activities and the per-class profiles."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    profiles = tuple(
        Profile(str(item["code"]), item["cluster"], _split(item["core"]), _split(item["extra"]))
        for item in data["profiles"]
    )
    return _split(data["common"]), profiles


def _rows_per_profile(profiles: tuple[Profile, ...]) -> list[int]:
    """Base count, raised so that small labels still reach ``MIN_ROWS_PER_LABEL``."""
    labelled = [Example.from_code("-", profile.code, profile.cluster) for profile in profiles]
    counts = {target: Counter(example.label(target) for example in labelled) for target in TARGETS}
    return [
        max(
            ROWS_PER_PROFILE,
            *(
                math.ceil(MIN_ROWS_PER_LABEL / counts[target][example.label(target)])
                for target in TARGETS
            ),
        )
        for example in labelled
    ]


def _phrases(rng: random.Random, profile: Profile, most_core: int) -> list[str]:
    phrases = rng.sample(profile.core, rng.randint(1, min(most_core, len(profile.core))))
    return phrases + rng.sample(profile.extra, min(len(profile.extra), rng.choice((0, 0, 1, 1, 2))))


def _layout(rng: random.Random, phrases: list[str], common: tuple[str, ...]) -> str:
    if rng.random() < 0.35:
        phrases += rng.sample(common, rng.randint(1, 2))
    if rng.random() < 0.25:
        rng.shuffle(phrases)
    separator = rng.choice(("；", "；", "；", "，", "、"))
    return rng.choice(_LAYOUTS).format(separator.join(phrases))


def _compose(rng: random.Random, profile: Profile, common: tuple[str, ...]) -> str:
    return _layout(rng, _phrases(rng, profile, most_core=3), common)


def _compose_mixed(
    rng: random.Random, first: Profile, second: Profile, common: tuple[str, ...]
) -> str:
    return _layout(rng, _phrases(rng, first, 2) + _phrases(rng, second, 2), common)


def generate(
    common: tuple[str, ...], profiles: tuple[Profile, ...], seed: int = SEED
) -> list[Example]:
    """Single-class rows in vocabulary order, then the two-class texts (two rows each)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    examples = []
    for profile, wanted in zip(profiles, _rows_per_profile(profiles), strict=True):
        made = 0
        for _ in range(wanted * 30):
            text = _compose(rng, profile, common)
            if text not in seen:
                seen.add(text)
                examples.append(Example.from_code(text, profile.code, profile.cluster))
                made += 1
                if made == wanted:
                    break
    mixed = 0
    while mixed < MIXED_TEXTS:
        first, second = rng.sample(profiles, 2)
        text = _compose_mixed(rng, first, second, common)
        if section_of(first.code) == section_of(second.code) or text in seen:
            continue
        seen.add(text)
        examples += [Example.from_code(text, p.code, p.cluster) for p in (first, second)]
        mixed += 1
    return examples


def main() -> None:
    common, profiles = load_vocabulary()
    examples = generate(common, profiles)
    write_corpus(examples, DEFAULT_CORPUS)
    print(f"wrote {len(examples)} rows ({MIXED_TEXTS} two-class texts) to {DEFAULT_CORPUS}")


if __name__ == "__main__":
    main()
