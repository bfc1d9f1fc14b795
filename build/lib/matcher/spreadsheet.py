"""Cells for spreadsheets (CSV, XLSX) that a spreadsheet program shows and never runs.

Text that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return in front of
one) is read as a formula by Excel and its kin, so a name like ``=HYPERLINK(...)`` in an
export would become a live link or worse ("CSV injection"). Such text gets a leading
apostrophe, which spreadsheets take as "this is text". Numbers and dates are values, not
text, and are left alone: ``-5000.00`` in an amount column stays a negative number.
"""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as it may be written into a cell: text that could start a formula is quoted."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
