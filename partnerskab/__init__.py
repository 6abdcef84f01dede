"""Partnerskabsaftaler: check YAML partnership agreements and build PDF, DOCX and HTML."""
