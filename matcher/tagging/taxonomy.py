"""Label sets and the mapping from a GB/T 4754-2017 code to the derived labels.

Three targets are predicted: the GB/T 4754-2017 section (门类 A–T), the industry
category of the SME size standard (工信部联企业〔2011〕300号), and the 济源
industry cluster. The size category is derived from the code, following the
industry list of 300号 as mapped onto GB/T 4754-2017 divisions by the 国家统计局
《统计上大中小微型企业划分办法（2017）》:

* 交通运输业 excludes railway transport (division 53, listed by 300号 as
  "不含铁路运输业"); railway therefore falls into ``other``.
* 装卸搬运 (class 5910) is counted with 交通运输业, not 仓储业: in GB/T 4754-2011 it
  sat with transport agencies, and the 2017 statistical method keeps it there.
* 房地产业 is split: 7010 房地产开发经营 and 7020 物业管理 have their own thresholds,
  the rest of division 70 is ``other``.
"""

from typing import Final, Literal

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

SIZE_CATEGORIES: Final[dict[str, str]] = {
    "agriculture": "农、林、牧、渔业",
    "industry": "工业",
    "construction": "建筑业",
    "wholesale": "批发业",
    "retail": "零售业",
    "transport": "交通运输业",
    "warehousing": "仓储业",
    "postal": "邮政业",
    "accommodation": "住宿业",
    "catering": "餐饮业",
    "information_transmission": "信息传输业",
    "software_it": "软件和信息技术服务业",
    "real_estate_development": "房地产开发经营",
    "property_management": "物业管理",
    "leasing_business_services": "租赁和商务服务业",
    "other": "其他未列明行业",
}

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
    """SME size-standard category key of a GB/T 4754-2017 code (see module docstring)."""
    division = _division(code)
    if division in (59, 70) and len(code) < 4:
        raise ValueError(
            f"division {division} is split by class, a 4-digit code is needed: {code!r}"
        )
    by_division = {51: "wholesale", 52: "retail", 60: "postal", 61: "accommodation"}
    if division in by_division:
        return by_division[division]
    if division <= 5:
        return "agriculture"
    if division <= 46:
        return "industry"
    if division <= 50:
        return "construction"
    if 54 <= division <= 58 or code == "5910":
        return "transport"
    if division == 59:
        return "warehousing"
    if division == 62:
        return "catering"
    if division in (63, 64):
        return "information_transmission"
    if division == 65:
        return "software_it"
    if code == "7010":
        return "real_estate_development"
    if code == "7020":
        return "property_management"
    if division in (71, 72):
        return "leasing_business_services"
    return "other"
