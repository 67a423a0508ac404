"""Utilization (利用) at the archive-room desk: walk-in and outside-unit requests (查档出证) and
their register (利用登记簿), certified copies (复制件) with a public verification page, and the
optional self-service proof for citizens (DOMAIN.md §5, §14, §15)."""
