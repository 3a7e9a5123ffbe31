"""Spreadsheet exports that cannot run code: text people typed never becomes a formula.

A title such as ``=HYPERLINK("https://…")`` typed into a form would otherwise become a live
formula when a board member opens the CSV or XLSX export in Excel (CSV or formula injection).
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A cell that a spreadsheet shows as text: a leading apostrophe disarms formulas.

    Text that is simply a number ("-42000.00") is left alone so that it stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def text_not_formulas(workbook) -> None:
    """Store every cell openpyxl took for a formula (a string starting with "=") as text.

    The product's exports write figures as numbers, never formulas, so any formula came from
    someone's text.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
