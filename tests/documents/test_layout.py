"""The layout: its marks, and the font it refuses to print boxes with."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.config import settings
from matcher.documents.layout import Block, FontUnavailable, blocks, font_path, render_pdf
from tests.documents.conftest import fonts_of, pdf_text

LATIN_ONLY = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture
def font_setting(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set ``MATCHER_PDF_FONT`` for one test; the checked font is forgotten before and after."""
    settings.cache_clear()
    font_path.cache_clear()
    yield monkeypatch
    settings.cache_clear()
    font_path.cache_clear()


def test_each_line_is_a_block_by_its_mark() -> None:
    lines = ["# 标题", "^ 兑现专窗", "", "　　正文", "| 企业名称 | 甲 | 乙", "## 材料"]
    text = "\n".join([*lines, "- 合同", "> 原文", "@ 核验码", "= 日期", "#没有空格"])
    assert list(blocks(text)) == [
        Block("#", "标题"),
        Block("^", "兑现专窗"),
        Block("", "　　正文"),  # the paragraph's full-width indent is kept
        Block("|", "企业名称 | 甲 | 乙"),  # a value may hold the separator: split once
        Block("##", "材料"),
        Block("-", "合同"),
        Block(">", "原文"),
        Block("@", "核验码"),
        Block("=", "日期"),
        Block("", "#没有空格"),
    ]


def test_a_document_embeds_the_font_and_draws_every_block(font_setting: pytest.MonkeyPatch) -> None:
    content = render_pdf(
        "# 受理回执\n| 企业名称 | 济源市金马科技有限公司\n- 合同\n@ 核验码：R-1-ABCD-EFGH",
        "受理回执",
        "http://127.0.0.1:8000/verify?code=R-1-ABCD-EFGH",
    )
    text = pdf_text(content)
    assert "受理回执" in text and "济源市金马科技有限公司" in text and "1.合同" in text
    assert "核验码：R-1-ABCD-EFGH" in text and "第1页共1页" in text
    assert [font["name"].endswith("+WenQuanYiMicroHei") for font in fonts_of(content)] == [True]


def test_a_missing_font_is_a_clear_error(font_setting: pytest.MonkeyPatch) -> None:
    font_setting.setenv("MATCHER_PDF_FONT", "/nonexistent/font.ttc")
    with pytest.raises(
        FontUnavailable, match=re.escape("MATCHER_PDF_FONT=/nonexistent/font.ttc: no such")
    ):
        render_pdf("# 受理回执", "受理回执", "http://example.invalid/verify")


@pytest.mark.skipif(not LATIN_ONLY.is_file(), reason="fonts-dejavu-core not installed")
def test_a_font_without_chinese_is_refused_rather_than_printing_boxes(
    font_setting: pytest.MonkeyPatch,
) -> None:
    font_setting.setenv("MATCHER_PDF_FONT", str(LATIN_ONLY))
    with pytest.raises(FontUnavailable, match="has no glyph for 受理回执决定书兑现"):
        font_path()


def test_no_font_installed_names_the_packages(
    font_setting: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    font_setting.setattr("matcher.config.PDF_FONT_CANDIDATES", (tmp_path / "none.ttc",))
    assert settings().pdf_font is None
    with pytest.raises(FontUnavailable, match="install fonts-wqy-microhei"):
        font_path()
