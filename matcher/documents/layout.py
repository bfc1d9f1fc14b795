"""The one place that knows how a printed document looks: A4, one CJK font embedded (subset),
a title, rows of label and value, headed sections, and a verification box with a QR code.

The wording comes from a template (``matcher/templates/documents/``) rendered to lines, each
led by a mark that says what it is; a line without a mark is a paragraph:

    # 标题                      the title, centred
    ^ 文字                      a centred line (the issuing office, a number)
    ## 小标题                   a section heading
    | 标签 | 值                 a row of the table of facts (consecutive rows: one table)
    - 文字                      an item of a list
    > 文字                      a quotation (a clause of the policy), indented
    @ 文字                      a line of the verification box, beside the QR code
    = 文字                      a closing line, right-aligned (office and date)

Values never carry a mark: :func:`matcher.documents.printing` flattens every value onto one
line before the template sees it, so nothing typed into a record can start a line.
"""

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, WrapMode, XPos, YPos
from fpdf.fonts import TTFFont

from matcher.config import settings

FONT = "cjk"
PROBE = "受理回执决定书兑现"
"""Characters every document prints: a font without them would print boxes."""
MARGIN, LINE, LABEL_WIDTH, QR_SIZE = 20.0, 6.5, 38.0, 30.0
SIZES = {"title": 18.0, "heading": 12.5, "text": 11.0, "small": 9.5}


class FontUnavailable(RuntimeError):
    """The configured CJK font is missing or cannot print Chinese."""


@cache
def font_path() -> Path:
    """The CJK font to embed, checked once per process (``MATCHER_PDF_FONT``)."""
    path = settings().pdf_font
    if path is None:
        raise FontUnavailable(
            "No CJK font for PDF documents: install fonts-wqy-microhei (or fonts-noto-cjk) "
            "or set MATCHER_PDF_FONT to a TrueType/OpenType font file with Chinese glyphs"
        )
    if not path.is_file():
        raise FontUnavailable(f"MATCHER_PDF_FONT={path}: no such font file")
    pdf = FPDF()
    pdf.add_font(FONT, fname=path)
    font = pdf.fonts[FONT]
    assert isinstance(font, TTFFont), "add_font reads a font file"
    missing = [ch for ch in PROBE if ord(ch) not in font.cmap]
    if missing:
        raise FontUnavailable(f"MATCHER_PDF_FONT={path} has no glyph for {''.join(missing)}")
    return path


@dataclass(frozen=True, slots=True)
class Block:
    mark: str
    """One of ``# ^ ## | - > @ =``, or ``""`` for a paragraph."""
    text: str


MARKS = ("##", "#", "^", "|", "-", ">", "@", "=")
ASCII_SPACE = " \t"


def blocks(text: str) -> Iterator[Block]:
    """The lines of a rendered template as blocks; blank lines are dropped."""
    for line in text.splitlines():
        if not line.strip():
            continue
        stripped = line.strip(ASCII_SPACE)  # a paragraph's 　　 indent is kept
        mark = next((m for m in MARKS if stripped.startswith(m + " ")), "")
        yield Block(mark, stripped[len(mark) :].strip(ASCII_SPACE))


def _groups(items: Iterable[Block]) -> Iterator[tuple[str, list[str]]]:
    """Consecutive blocks of the same mark together (table rows, a list, the verification box)."""
    mark: str | None = None
    texts: list[str] = []
    for block in items:
        if block.mark != mark and texts:
            assert mark is not None
            yield mark, texts
            texts = []
        mark = block.mark
        texts.append(block.text)
    if texts and mark is not None:
        yield mark, texts


class _Page(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=SIZES["small"])
        self.cell(0, 5, f"第 {self.page_no()} 页 共 {{nb}} 页", align="C")


def render_pdf(text: str, title: str, qr_data: str) -> bytes:
    """The document of the rendered template ``text``; ``qr_data`` (the verification address)
    as a QR code in the verification box."""
    pdf = _Page(format="A4", unit="mm")
    pdf.set_title(title)
    pdf.set_creator("惠企政策精准推送")
    pdf.set_creation_date(datetime.now(UTC))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, MARGIN)
    pdf.add_font(FONT, fname=font_path())
    pdf.add_page()
    for mark, texts in _groups(blocks(text)):
        DRAW[mark](pdf, texts, qr_data)
    return bytes(pdf.output())


def _write(pdf: FPDF, text: str, size: str = "text", align: str = "L", indent: float = 0) -> None:
    pdf.set_font(FONT, size=SIZES[size])
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(
        0, LINE, text, align=align, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )


def _title(pdf: FPDF, texts: list[str], _qr: str) -> None:
    for text in texts:
        pdf.set_font(FONT, size=SIZES["title"])
        pdf.cell(0, 12, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _centred(pdf: FPDF, texts: list[str], _qr: str) -> None:
    for text in texts:
        _write(pdf, text, align="C")
    pdf.ln(2)


def _heading(pdf: FPDF, texts: list[str], _qr: str) -> None:
    for text in texts:
        pdf.ln(3)
        _write(pdf, text, size="heading")


def _paragraphs(pdf: FPDF, texts: list[str], _qr: str) -> None:
    for text in texts:
        _write(pdf, text)
    pdf.ln(2)


def _rows(pdf: FPDF, texts: list[str], _qr: str) -> None:
    pdf.set_font(FONT, size=SIZES["text"])
    width = pdf.w - 2 * MARGIN
    with pdf.table(
        col_widths=(LABEL_WIDTH, width - LABEL_WIDTH),
        first_row_as_headings=False,
        text_align=("LEFT", "LEFT"),
        wrapmode=WrapMode.CHAR,
        line_height=LINE,
        padding=1.2,
    ) as table:
        for text in texts:
            label, _, value = text.partition(" | ")
            row = table.row()
            row.cell(label.strip())
            row.cell(value.strip())
    pdf.ln(2)


def _items(pdf: FPDF, texts: list[str], _qr: str) -> None:
    for number, text in enumerate(texts, 1):
        _write(pdf, f"{number}. {text}", indent=4)


def _quotes(pdf: FPDF, texts: list[str], _qr: str) -> None:
    for text in texts:
        _write(pdf, text, size="small", indent=6)


def _closing(pdf: FPDF, texts: list[str], _qr: str) -> None:
    pdf.ln(3)
    for text in texts:
        _write(pdf, text, align="R")


def _lines(pdf: FPDF, width: float, text: str) -> int:
    """How many lines ``text`` takes at ``width``, nothing drawn."""
    lines = pdf.multi_cell(
        width, 5, text, wrapmode=WrapMode.CHAR, dry_run=True, output=MethodReturnValue.LINES
    )
    assert isinstance(lines, list)
    return len(lines)


def _verification(pdf: FPDF, texts: list[str], qr_data: str) -> None:
    """The QR code on the left, the lines beside it, in a frame; on one page."""
    pdf.set_font(FONT, size=SIZES["small"])
    text_width = pdf.w - 2 * MARGIN - QR_SIZE - 8
    lines = sum(_lines(pdf, text_width, text) for text in texts)
    height = max(QR_SIZE + 4, lines * 5 + 4)
    pdf.ln(4)
    if pdf.get_y() + height > pdf.h - MARGIN:
        pdf.add_page()
    top = pdf.get_y()
    pdf.rect(MARGIN, top, pdf.w - 2 * MARGIN, height)
    png = io.BytesIO()
    segno.make(qr_data, error="m").save(png, kind="png", scale=6, border=0)
    pdf.image(png, x=MARGIN + 2, y=top + 2, w=QR_SIZE, h=QR_SIZE)
    pdf.set_xy(MARGIN + QR_SIZE + 6, top + 2)
    for text in texts:
        pdf.set_x(MARGIN + QR_SIZE + 6)
        pdf.multi_cell(
            text_width, 5, text, wrapmode=WrapMode.CHAR, new_x=XPos.LEFT, new_y=YPos.NEXT
        )
    pdf.set_xy(MARGIN, top + height + 2)


DRAW = {
    "#": _title,
    "^": _centred,
    "##": _heading,
    "": _paragraphs,
    "|": _rows,
    "-": _items,
    ">": _quotes,
    "@": _verification,
    "=": _closing,
}
