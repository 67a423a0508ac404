"""Government information disclosure (政府信息公开, DOMAIN.md §12 and §15): each record's disclosure
attribute with its statutory reason and review, and the register of disclosure requests with the
statutory clock in working days (archive.workdays)."""
