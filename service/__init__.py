"""Mulin (睦邻): weekly dispatch for grassroots social work stations."""
