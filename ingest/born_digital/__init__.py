"""Born-digital intake (档案法 2020 第三十七条; issue 18): OFD documents and PDFs that carry their own
text are filed with that text, no OCR, the original kept untouched and a PDF/A rendition made
from rendered page images with the text laid over them; a metadata sidecar (JSON or XML with the
file's stem) fills the catalogue and wins over what was read.

Modules: `ofd` (OFD pages rendered with their text), `text_pdf` (a PDF page's text layer and
positions), `pages` (the page result without an OCR call), `sidecar` (the business system's
metadata).
"""
