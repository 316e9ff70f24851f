"""Campaigns, their notices and letters, the letter register (DS-7, DS-7L, DS-9)."""
