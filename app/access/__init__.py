"""Access: write tokens and roles, permission checks, and the audit log of writes."""
