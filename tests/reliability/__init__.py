"""Reliability and security suite (issue 7): `make reliability` runs the full loops."""
