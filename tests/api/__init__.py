"""Tests of the HTTP service (issue 4)."""
