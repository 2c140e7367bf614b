"""Spreadsheet input (CSV or XLSX) as rows that know their line numbers.

Township offices keep registers and visit records in Excel; Chinese Excel saves CSV as GB18030
(GBK) unless told otherwise, so both UTF-8 and GB18030 are read. A file that cannot be read whole
(truncated, corrupted, not a table) is reported as one problem and yields no rows at all, so a
caller never acts on half a file.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..problems import Pos, Problems


@dataclass(frozen=True)
class Row:
    line: int                 # 1-based line (CSV) or row number (XLSX), as the office sees it
    cells: dict[str, str]     # header → stripped text
    columns: dict[str, int]   # header → 1-based column, for file:line:col

    def pos(self, shown: str, column: str | None = None) -> Pos:
        return Pos(shown, self.line, self.columns.get(column, 1) if column else 1)

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", data, 0, 1, "neither UTF-8 nor GB18030")


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out = []
    line = 1
    for cells in reader:
        out.append((line, cells))
        line = reader.line_num + 1
    return out  # strict mode raises on a quote left open by a truncated file


def _xlsx_rows(path: Path) -> list[tuple[int, list[str]]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        out = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else v.date().isoformat() if isinstance(v, dt.datetime)
                     else v.isoformat() if isinstance(v, dt.date)
                     else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values]
            out.append((number, cells))
        return out
    finally:
        book.close()


def read_table(path: Path, shown: str, required: tuple[str, ...], problems: Problems) -> list[Row] | None:
    """All rows of a CSV or XLSX file under a header row that has every `required` column.
    Blank rows are skipped. None (after one clear problem) when the file cannot be read whole."""
    try:
        if path.suffix.lower() == ".xlsx":
            raw = _xlsx_rows(path)
        else:
            raw = _csv_rows(path.read_bytes())
    except FileNotFoundError:
        problems.error(Pos(shown), "找不到这个文件")
        return None
    except UnicodeDecodeError:
        problems.error(Pos(shown), "文件编码无法识别：请在 Excel 里“另存为 CSV UTF-8”后再导入")
        return None
    except csv.Error as e:
        problems.error(Pos(shown), f"CSV 文件格式损坏（{e}），可能没有保存完整；整份文件都没有导入，原有数据不变")
        return None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        problems.error(Pos(shown), f"Excel 文件损坏或不完整（{type(e).__name__}），整份文件都没有导入，原有数据不变")
        return None
    rows = [(line, cells) for line, cells in raw if any(c.strip() for c in cells)]
    if not rows:
        problems.error(Pos(shown), f"文件是空的：第一行应为表头（{'、'.join(required)}）")
        return None
    header_line, header = rows[0]
    names = [h.strip() for h in header]
    missing = [c for c in required if c not in names]
    if missing:
        problems.error(Pos(shown, header_line), f"表头缺少列：{'、'.join(missing)}（第一行应包含：{'、'.join(required)}）")
        return None
    columns = {name: i + 1 for i, name in enumerate(names) if name}
    out = []
    for line, cells in rows[1:]:
        values = {name: (from_csv_text(cells[i - 1].strip()) if i - 1 < len(cells) else "") for name, i in columns.items()}
        out.append(Row(line, values, columns))
    return out


# A cell that starts like a formula is run by Excel and WPS when the file is opened (OWASP "CSV
# injection"): text typed by a person is never written that way.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """A value for a CSV cell: text that would start a formula gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def from_csv_text(text: str) -> str:
    """The text a person typed, from a cell csv_text wrote."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_START) else text


def csv_bytes(header: tuple, rows) -> bytes:
    """A CSV file Excel opens right: UTF-8 with a BOM (for the Chinese), formulas never."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([csv_text(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def yes(text: str) -> bool | None:
    """A spreadsheet flag: 是/√/1/Y → True, 否/空/0/N → False, anything else → None."""
    t = text.strip().lower()
    if t in ("是", "√", "✓", "1", "y", "yes", "true", "有"):
        return True
    if t in ("", "否", "0", "n", "no", "false", "无", "×"):
        return False
    return None


def _text_cell(sheet, value: str):
    """A cell that holds `value` as text, even if it starts like a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


@dataclass(frozen=True)
class Entry:
    """How a sheet's columns take new entries in Excel: which stay text as typed (phone numbers,
    ids, 户号 with leading zeros, dates typed as text), and which offer a drop-down list."""

    text: tuple[int, ...] = ()                           # 0-based columns formatted as text (@)
    choices: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (column, the values offered)


def xlsx_bytes(sheets: dict[str, tuple[tuple, list]], year: int, entry: dict[str, Entry] | None = None) -> bytes:
    """A workbook of sheets (name → header, rows): bold frozen header, filters, sensible widths,
    and (`entry`) text columns and drop-down lists for what people type in later.
    Written in openpyxl's streaming mode (a county's 66,000 visits), with timestamps fixed so that
    the same plan gives the same file byte for byte."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook(write_only=True)
    stamp = dt.datetime(year, 1, 1)
    book.properties.created = book.properties.modified = stamp
    bold = Font(bold=True)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        widths = [len(str(h)) * 2 + 2 for h in header]
        for row in rows[:200]:  # widths from the first rows: enough to read, cheap to compute
            for i, value in enumerate(row):
                widths[i] = min(40, max(widths[i], len(str(value)) * 2 if isinstance(value, str) else 8))
        for i, w in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(i)].width = w
        how = (entry or {}).get(name, Entry())
        for i in how.text:
            sheet.column_dimensions[get_column_letter(i + 1)].number_format = "@"
        for i, values in how.choices:
            letter = get_column_letter(i + 1)
            offer = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
            offer.add(f"{letter}2:{letter}{max(1000, len(rows) + 200)}")
            sheet.data_validations.append(offer)
        sheet.freeze_panes = "A2"
        if rows:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
        cells = []
        for h in header:
            cell = WriteOnlyCell(sheet, value=h)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append([_text_cell(sheet, v) if isinstance(v, str) and v.startswith(FORMULA_START) else v
                          for v in row])
    raw = io.BytesIO()
    book.save(raw)
    # openpyxl stamps every zip member with the current time: rewrite them with a fixed one.
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(year, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets "modified" to now on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + f"{year}-01-01T00:00:00Z".encode(), data)
            dst.writestr(member, data)
    return fixed.getvalue()
