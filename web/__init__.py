"""The web application: Flask pages (zh-CN first, English through Flask-Babel) and the /api/v1 JSON API.

Layout: app.py (factory), views/ (one blueprint per area), templates/, static/ (CSS, app.js,
vendored htmx), translations/ (messages.pot, zh_CN and en catalogs; after changing texts run
`pybabel extract -F web/babel.cfg -k _ -k gettext --no-location --omit-header -o
web/translations/messages.pot web`, `pybabel update -i web/translations/messages.pot -d
web/translations`, translate, then `pybabel compile -d web/translations`).

Places left for the services being built alongside (search for "issue 5" / "issue 6"):
- lending (issue 5): access.actions_for (viewing_grant from an approved loan),
  record_views.view_record ("loans"), dashboard_stats ("loans_per_month", "overdue_loans"),
  the dashboard and record templates, and a views/loans.py blueprint registered in app.py
  (request, my requests, approvals inbox, issue and return, watermarked page view).
- retention (issue 6): a views/retention.py blueprint (due lists, holds, appraisal,
  destruction registers with approval and witness signatures), registered in app.py, with
  matching /api/v1 routes and entries in openapi.py.
"""
