"""Rag bins and fire equipment (DS-12, DS-13)."""
