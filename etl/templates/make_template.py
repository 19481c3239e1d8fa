"""Build etl/templates/resultater_skabelon.xlsx, the Danish template for unit-level results.

Run ``python -m servicemirror.etl.templates.make_template`` (or this file) after changing the
forum core items in ``etl/vocab.py``; the .xlsx is committed so users can download it as is.

Sheets:
``Resultater``     one row per unit x period x question: enhed, periode, spørgsmål, skala, n,
                   gennemsnit, spredning, fordeling, svarprocent, respondenttype. Pre-filled with
                   one row per forum core item (no figures yet: rows without figures are skipped).
``Kernespørgsmål`` the forum core items (code, Danish and English text, scale, who answers).
``Vejledning``     how to fill it in, in Danish.
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

if __package__ in (None, ""):  # run as a script: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from servicemirror.etl import vocab  # noqa: E402

TEMPLATE = Path(__file__).with_name("resultater_skabelon.xlsx")
COLUMNS = [
    ("enhed", 28, "Biblioteket eller filialen, som resultatet gælder (fx 'Egedal Bibliotekerne')."),
    ("periode", 10, "Målingens år eller periode (fx 2024 eller 2024-H2)."),
    (
        "spørgsmål",
        60,
        "Spørgsmålets tekst eller kode; kernespørgsmålene står på fanen Kernespørgsmål.",
    ),
    (
        "skala",
        10,
        "Svarskalaen, fx 1-5 eller 0-10. Skriv '1-5 (1 = bedst)' hvis 1 er det bedste svar.",
    ),
    ("n", 8, "Antal besvarelser bag tallet."),
    ("gennemsnit", 12, "Gennemsnittet på skalaen (decimalkomma er fint)."),
    ("spredning", 11, "Standardafvigelsen, hvis rapporten viser den."),
    ("fordeling", 30, "Eller antal svar pr. skalatrin, fx '1:0; 2:1; 3:4; 4:9; 5:6'."),
    ("svarprocent", 12, "Svarprocenten for enheden, fx 78 %."),
    ("respondenttype", 15, "medarbejdere eller borgere (tom = ud fra spørgsmålet)."),
]
WHO = {
    "wellbeing": "medarbejdere",
    "engagement": "medarbejdere",
    "enps": "medarbejdere",
    "satisfaction": "borgere",
    "nps": "borgere",
    "touchpoint": "borgere",
}
GUIDE = [
    "Skabelon til resultater pr. enhed (Servicespejlet)",
    "",
    "Brug skabelonen, når leverandøren kun giver jer resultater pr. enhed (gennemsnit, n og",
    "svarprocent) og ikke de enkelte besvarelser.",
    "",
    "1. Fanen Resultater: én række pr. enhed, periode og spørgsmål.",
    "2. Skriv enten gennemsnit (og gerne spredning) eller fordelingen (antal svar pr. skalatrin).",
    "   Med fordelingen regner Servicespejlet selv n, gennemsnit og spredning ud.",
    "3. Kernespørgsmålene er skrevet ind på forhånd: udfyld enhed, periode og tallene.",
    "   Rækker uden tal springes over, så I kan lade dem stå.",
    "4. Høje tal skal være gode svar. Er 1 det bedste svar i jeres rapport, så skriv",
    "   '1-5 (1 = bedst)' i kolonnen skala; så vender Servicespejlet skalaen.",
    "5. Gem filen som .xlsx (eller CSV) og indlæs den: servicemirror load resultater.xlsx",
    "",
    "Servicespejlet viser aldrig medarbejdertal for grupper under k besvarelser (standard 5).",
]


def build(path: Path = TEMPLATE) -> Path:
    """Write the template workbook to ``path`` and return it."""
    wb = Workbook()
    results = wb.active
    results.title = "Resultater"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (name, width, note) in enumerate(COLUMNS, start=1):
        cell = results.cell(row=1, column=col, value=name)
        cell.font, cell.fill = bold, fill
        # the column's help text shows when the header cell is hovered in Excel
        cell.comment = Comment(note, "Servicespejlet")
        results.column_dimensions[cell.column_letter].width = width
    results.freeze_panes = "A2"
    for row, (_code, construct, lo, hi, _tp, text_da, _en) in enumerate(vocab.CORE_ITEMS, start=2):
        results.cell(row=row, column=3, value=text_da)
        results.cell(row=row, column=4, value=f"{lo}-{hi}")
        results.cell(row=row, column=10, value=WHO.get(construct, ""))
        results.cell(row=row, column=9).number_format = "0%"

    core = wb.create_sheet("Kernespørgsmål")
    for col, name in enumerate(
        ["kode", "spørgsmål", "question (English)", "skala", "hvem svarer", "område"], 1
    ):
        core.cell(row=1, column=col, value=name).font = bold
    for row, (code, construct, lo, hi, tp, text_da, text_en) in enumerate(vocab.CORE_ITEMS, 2):
        values = [code, text_da, text_en, f"{lo}-{hi}", WHO.get(construct, ""), tp or construct]
        for col, value in enumerate(values, 1):
            core.cell(row=row, column=col, value=value)
    for letter, width in zip("ABCDEF", (20, 70, 60, 8, 14, 16), strict=True):
        core.column_dimensions[letter].width = width

    last = len(vocab.CORE_ITEMS) + 1
    # a pick list, not a lock: other questions may be typed in as well
    pick = DataValidation(
        type="list", formula1=f"='Kernespørgsmål'!$B$2:$B${last}", allow_blank=True
    )
    pick.showErrorMessage = False
    results.add_data_validation(pick)
    pick.add("C2:C500")
    who = DataValidation(type="list", formula1='"medarbejdere,borgere"', allow_blank=True)
    results.add_data_validation(who)
    who.add("J2:J500")

    guide = wb.create_sheet("Vejledning")
    for row, line in enumerate(GUIDE, 1):
        guide.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=False)
    guide["A1"].font = Font(bold=True, size=14)
    for row, (name, _w, note) in enumerate(COLUMNS, len(GUIDE) + 2):
        guide.cell(row=row, column=1, value=f"{name}: {note}")
    guide.column_dimensions["A"].width = 100

    # fixed metadata so that rebuilding an unchanged template gives the same content
    wb.properties.creator = "Servicespejlet"
    wb.properties.title = "Resultater pr. enhed"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


if __name__ == "__main__":
    print(build())
