"""Build a PDF of a corpus report, as a force would be sent it: a running header, a footer
with "Page N of M", page breaks inside the report.

    .venv/bin/python tests/data/make_report_pdf.py SOURCE.txt OUT.pdf

The PDF is generated, never committed. Tests call `make(source, out)`. Core fonts write
Latin-1 only, so an en dash becomes a hyphen.
"""

from __future__ import annotations

import sys
from pathlib import Path

HEADER = "Millbrook Police: PEEL 2023-25 inspection report"
PAGE_BREAKS = ("Protecting vulnerable people", "Area for improvement 3")


def make(source: Path, out: Path) -> Path:
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, HEADER, align="R")
            self.ln(10)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Report()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for paragraph in source.read_text(encoding="utf-8").split("\n\n"):
        text = paragraph.strip().replace("\u2013", "-")
        if text in PAGE_BREAKS:
            pdf.add_page()
        pdf.multi_cell(0, 6, text)
        pdf.ln(4)
    pdf.output(str(out))
    return out


if __name__ == "__main__":
    make(Path(sys.argv[1]), Path(sys.argv[2]))
