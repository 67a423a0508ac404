"""Lending, consultation, the physical store, receiving and inventory (DOMAIN.md §5, §7, §11).

Every service takes a session (the unit of work) and an actor, asks archive.policy before it
touches a record or volume, and writes its audit event in the same transaction.
"""
