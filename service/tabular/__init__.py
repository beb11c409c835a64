"""Spreadsheet import and export of the needs archive (需求档案) and resource library (资源库).

Pure functions, no web framework: a ``.csv`` or ``.xlsx`` file becomes wire objects
(``service.wire.scenario.Need`` or ``Resource``) and row errors, and wire objects become a
workbook in the same layout. One job per module:

- :mod:`~service.tabular.source`: bytes → header and numbered rows (CSV encodings, xlsx);
- :mod:`~service.tabular.codes` and :mod:`~service.tabular.cells`: one cell → a wire value;
- :mod:`~service.tabular.layout`: the needs and resources columns, Chinese and English;
- :mod:`~service.tabular.reading`: a file → wire objects and row errors (``parse``);
- :mod:`~service.tabular.merge`: upsert or replace against the stored records;
- :mod:`~service.tabular.references`: cross-reference problems of the result, by row;
- :mod:`~service.tabular.writing`: wire objects → .xlsx or .csv;
- :mod:`~service.tabular.problems`, :mod:`~service.tabular.invalid`,
  :mod:`~service.tabular.messages`: row errors and their Chinese and English sentences;
- :mod:`~service.tabular.samples`: the sample files of ``scenarios/``.
"""
