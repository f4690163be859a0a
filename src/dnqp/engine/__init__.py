"""The method: cell-value coercion, data preparation, entropy weights, regression, tables and the study.

Pure: arrays and DataFrames in, frozen results out. Nothing here imports the workbook or Excel rooms,
nor openpyxl, XlsxWriter or xlwings (a test guards it).
"""
