"""What ``suggest`` returns, and the Chinese notes that explain special cases."""

from dataclasses import dataclass, replace
from typing import Final

from matcher.tagging.text import MAX_CHARS

NOTE_EMPTY: Final = "经营范围为空，无法推断行业"
NOTE_NOT_CHINESE: Final = "经营范围不含中文，模型只识别中文经营范围，推断结果不可靠"
NOTE_TRUNCATED: Final = f"经营范围超过{MAX_CHARS}字，仅按前{MAX_CHARS}字推断"
MIXED_MIN_CONFIDENCE: Final = 0.2
"""A runner-up section at least this likely means the scope spans several industries."""
_SECTION_NOTES: Final = {
    "J": "金融业企业划型适用《金融业企业划型标准规定》（银发〔2015〕309号），"
    "不适用工信部联企业〔2011〕300号",
    "S": "公共管理、社会保障和社会组织一般不是企业，不适用中小企业划型标准",
    "T": "国际组织不是企业，不适用中小企业划型标准",
}


@dataclass(frozen=True)
class Suggestion:
    label: str
    label_zh: str
    confidence: float
    """Calibrated probability in [0, 1]."""


@dataclass(frozen=True)
class IndustrySuggestions:
    """Top-k labels per target, best first; ``note`` explains special cases in Chinese."""

    section: tuple[Suggestion, ...]
    size_category: tuple[Suggestion, ...]
    cluster: tuple[Suggestion, ...]
    note: str | None


def cap_at_chance(ranked: tuple[Suggestion, ...]) -> tuple[Suggestion, ...]:
    """Claim no label above chance (1 / number of labels), for text the model cannot read."""
    chance = 1.0 / len(ranked)
    return tuple(replace(s, confidence=min(s.confidence, chance)) for s in ranked)


def section_notes(ranked: tuple[Suggestion, ...]) -> list[str]:
    """Notes on a ranked, complete list of sections: several industries, non-SME sections."""
    best, runner_up = ranked[0], ranked[1]
    notes = []
    if runner_up.confidence >= MIXED_MIN_CONFIDENCE:
        notes.append(
            f"经营范围可能涉及多个行业（{best.label_zh}、{runner_up.label_zh}），"
            "应按主要经济活动（营业收入或增加值占比最大者）确定行业"
        )
    if best.label in _SECTION_NOTES:
        notes.append(_SECTION_NOTES[best.label])
    return notes
