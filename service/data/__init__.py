"""Persistence: the tables, the PostgreSQL connection and the migrations."""
