"""Arrangement (整理, DOMAIN.md §13): items into volumes, boxes, personnel dossiers and case files,
the standard printouts of an archive room, and the proposal of a year's arrangement by rule.

Small modules, each a service layer over the catalog: `volumes`, `boxes`, `dossiers`,
`case_files`, `auto_arrange`, `printouts`; `codes` composes the numbers, `in_step` is the unit of
work's rule that keeps a volume's or box's secrecy and page count in step with its items.
"""
