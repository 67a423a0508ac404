"""Catalogue import and export (issue 14): the catalogues archive rooms already keep in
spreadsheets (归档文件目录, 案卷目录, 卷内目录), read into the catalog without scans and written
back out in the same layouts.

- `values`: one cell to one field value (Chinese dates, secrecy words, old retention terms);
- `reading`: files to sheets of rows (XLSX, CSV in UTF-8/GBK/GB18030, headers in Chinese or
  English, a mapping file for odd ones);
- `rows`: one row checked on its own into a catalogue entry or a reason;
- `service`: the import through the unit of work, for an identity, audited;
- `export`: the same layouts back out, trimmed to the viewer.
"""
