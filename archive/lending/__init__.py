"""Lending, consultation, the stack room, receiving and inventory (DOMAIN.md §5, §7, §11).

Services (identity first: `fn(session, who, …)`; each resolves the person through
archive.identity in its own unit of work, so a disabled account acts nowhere, asks archive.policy,
does the work and writes its audit event):

- requests, viewing, extracts, relations, approvals: the loan workflow, viewing grants and pages,
  extracts and copies, declared relations (personnel-file rule), the approval matrix;
- store, labels, inventory: shelving and movements, QR labels, stock checks;
- registers: the registers as rows and files;
- transfers, personnel: transfer registers (移交) and the filing deadline; personnel-file intake
  and transfer;
- overdue: reminders (a periodic task, archive.lending.tasks).

What the faces call (one call per action, plain data back): `desk` (loans, extracts, relations,
matrix, registers), `stockroom` (volumes, shelves, labels, stock checks), `receiving` (transfers,
filing status, personnel files). The CLI is archive.lending.cli; the web and API faces live in web/.
"""
