"""The standard's four forms and the PDF/xlsx rendering every export shares."""
