"""Numbers, units and dates as each edition prints them: the same functions for every language.

- the source language (printing/zh.py): as the bureau prints them, 39.0589万人 — the source's own forms;
- every other language (printing/generic.py): one printer, with the language's CLDR conventions
  (Babel: digits, symbols, plural categories, month names and date patterns) and its words from
  its catalogue (catalogues/<language>.yml) and its glossary column: 390,589 persons.

Which printer an edition uses is the editions' registry's to say (publish/edition.py):

    from helpers.publish import edition
    edition.printer_for("en").format_figure(row)
"""
