"""The audit trail: an append-only log of staff actions (who, when, what, on which object).

Write with `audit.services.audit_record(action=..., target=..., details=...)`; the action names
are listed in `audit.actions`. Rows are never changed or deleted through the ORM or the admin,
and on PostgreSQL a trigger refuses UPDATE and DELETE as well.
"""
