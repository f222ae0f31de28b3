"""Deterministic synthetic sample databases (fictional people): see generator.generate."""
