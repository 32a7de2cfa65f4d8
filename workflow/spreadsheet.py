"""Exports that German offices open as they are.

German Excel reads a CSV with semicolons and recognises UTF-8 only by its byte-order mark;
Wagtail's ``SpreadsheetExportMixin`` writes commas without one, so Excel showed one column and
"erfÃ¼llt". The XLSX gets a German sheet name, a bold frozen header row, an autofilter,
column widths to fit and, for the traffic-light cells, their colours.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from wagtail.admin.views.mixins import SpreadsheetExportMixin

BOM = "\ufeff"
#: Fill colours of the traffic-light labels (the same as the report's cells).
STATUS_FILLS = {"erfüllt": "C6EFCE", "Hinweis": "FFEB9C", "nicht erfüllt": "FFC7CE"}
MAX_COLUMN_WIDTH = 60


class _Line:
    """A file-like object that hands back what the csv writer writes (one line at a time)."""

    def write(self, value: str) -> str:
        return value


class GermanSpreadsheetMixin(SpreadsheetExportMixin):
    """CSV as German Excel opens it; XLSX with German sheet name, header, filter, widths, colours."""

    sheet_title = "Bericht"

    def stream_csv(self, queryset) -> Iterator[str]:
        writer = csv.DictWriter(_Line(), fieldnames=self.list_export, delimiter=";")
        yield BOM + writer.writerow({f: self.get_heading(queryset, f) for f in self.list_export})
        for item in queryset:
            yield self.write_csv_row(writer, self.to_row_dict(item))

    def write_xlsx(self, queryset, output) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.sheet_title[:31]  # Excel's limit
        sheet.append([self.get_heading(queryset, field) for field in self.list_export])
        for item in queryset:
            row = self.to_row_dict(item)
            sheet.append([self.preprocess_field_value(f, row[f], self.FORMAT_XLSX)
                          for f in self.list_export])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                colour = STATUS_FILLS.get(cell.value) if isinstance(cell.value, str) else None
                if colour:
                    cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
        for index, column in enumerate(sheet.iter_cols(), start=1):
            longest = max((len(str(c.value)) for c in column if c.value is not None), default=0)
            sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, MAX_COLUMN_WIDTH)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        workbook.save(output)
