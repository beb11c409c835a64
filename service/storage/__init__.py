"""The storage shape: SQLModel tables, the database, and the wire ↔ storage conversion."""
