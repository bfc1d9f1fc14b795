import pytest

from matcher.documents.masking import mask_name, mask_uscc


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("济源市金马科技有限公司", "济源**科技有限公司"),
        ("济源市银辉新材料有限公司", "济源**材料有限公司"),
        ("测试企业000C", "测试**000C"),
        ("甲乙丙丁戊", "甲乙**戊"),
        ("济源科技", "济**"),
        ("甲", "甲**"),
    ],
)
def test_a_name_keeps_its_place_and_form_and_hides_its_trade_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_a_uscc_keeps_its_region_and_its_last_four() -> None:
    assert mask_uscc("91419001MA4000000C") == "914190********000C"
