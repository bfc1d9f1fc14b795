"""Label sets and the mapping from a GB/T 4754-2017 code to the derived labels.

Three targets are predicted: the GB/T 4754-2017 section (门类 A–T), the industry
category of the SME size standard (工信部联企业〔2011〕300号), and the 济源
industry cluster. The size category is read off the size standard itself
(``matcher/catalog/standards/sme_size_standard.yaml``, the industry list of 300号 mapped onto
GB/T 4754-2017 by the 国家统计局《统计上大中小微型企业划分办法（2017）》), so what the model
suggests and what the classifier decides are one mapping. Industries the standard leaves
out — railway transport (53), finance (J), education (P), health (84), public
administration (S), international organisations (T), real-estate leasing (704) — are
``not_covered``, never 其他未列明行业: a careful officer does not size them by that row.
"""

from typing import Final, Literal

from matcher.standards.sme_size import load_size_standard

Target = Literal["section", "size_category", "cluster"]
TARGETS: Final[tuple[Target, ...]] = ("section", "size_category", "cluster")

SECTIONS: Final[dict[str, str]] = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}

# Last two-digit division of each section, in section order (GB/T 4754-2017).
_SECTION_LAST_DIVISION: Final[tuple[tuple[str, int], ...]] = (
    ("A", 5),
    ("B", 12),
    ("C", 43),
    ("D", 46),
    ("E", 50),
    ("F", 52),
    ("G", 60),
    ("H", 62),
    ("I", 65),
    ("J", 69),
    ("K", 70),
    ("L", 72),
    ("M", 75),
    ("N", 79),
    ("O", 82),
    ("P", 83),
    ("Q", 85),
    ("R", 90),
    ("S", 96),
    ("T", 97),
)

NOT_COVERED: Final = "not_covered"
"""Industries the size standard leaves out (finance, education, health, railways, …)."""

SIZE_CATEGORIES: Final[dict[str, str]] = {
    **{category.key: category.name for category in load_size_standard().categories},
    NOT_COVERED: "标准未覆盖的行业（不予划型）",
}
"""The size standard's own categories, so a suggestion and the classifier never disagree."""

CLUSTERS: Final[dict[str, str]] = {
    "silver": "白银深加工",
    "steel": "钢产品深加工",
    "nano": "纳米材料",
    "food": "食品饮料",
    "none": "不属于重点产业集群",
}

LABELS_ZH: Final[dict[Target, dict[str, str]]] = {
    "section": SECTIONS,
    "size_category": SIZE_CATEGORIES,
    "cluster": CLUSTERS,
}


def _division(code: str) -> int:
    if len(code) not in (2, 3, 4) or not code.isdigit():
        raise ValueError(f"not a GB/T 4754-2017 division, group or class code: {code!r}")
    division = int(code[:2])
    if not 1 <= division <= 97:
        raise ValueError(f"no GB/T 4754-2017 division {division:02d}")
    return division


def section_of(code: str) -> str:
    """Section letter of a division (2 digits), group (3) or class (4) code."""
    division = _division(code)
    return next(letter for letter, last in _SECTION_LAST_DIVISION if division <= last)


def size_category_of(code: str) -> str:
    """SME size-standard category key of a GB/T 4754-2017 code, read off the standard itself
    (``matcher/catalog/standards/sme_size_standard.yaml``); ``not_covered`` outside it."""
    division = _division(code)
    if division in (59, 70) and len(code) < 4:
        raise ValueError(
            f"division {division} is split by class, a 4-digit code is needed: {code!r}"
        )
    category = load_size_standard().category_for(code)
    return NOT_COVERED if category is None else category.key
