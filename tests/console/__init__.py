"""Tests of the coordinator console (server-rendered pages)."""
