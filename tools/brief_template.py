"""Write app/brief/template.docx, the Word template of the 年度通报 (page, fonts, heading and table styles).

    python tools/brief_template.py

A user may replace the file with any .docx (their letterhead, their fonts): the 通报 keeps its styles — Title,
Heading 1, Heading 2, Normal, List Bullet, Caption and the table style "Table Grid" — and its header and footer,
and writes its own content in place of the body."""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).resolve().parents[1] / "app" / "brief" / "template.docx"
BODY = HEADING = "Noto Sans CJK SC"  # Debian's fonts-noto-cjk (the PDF is converted with it); Word substitutes its own


def _font(style, name: str, size: float, bold: bool = False) -> None:
    style.font.name = name
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def main() -> None:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    _font(doc.styles["Normal"], BODY, 12)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.5
    _font(doc.styles["Title"], HEADING, 20, bold=True)
    doc.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(doc.styles["Heading 1"], HEADING, 15, bold=True)
    _font(doc.styles["Heading 2"], HEADING, 13, bold=True)
    _font(doc.styles["Caption"], BODY, 10)
    _font(doc.styles["List Bullet"], BODY, 12)
    footer = sec.footer.paragraphs[0]
    footer.text = "政府信息公开工作年度报告情况通报"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("（本文件为通报的模板：正文由程序生成，页面、字体与样式取自本文件。）")
    doc.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
