"""The shared workbook template and the results files: schema, grid parsing, template contents, result
blocks, file safety and the only openpyxl/XlsxWriter code. Never imports xlwings."""
