"""Certification views by area: verify.py (public verification), programmes.py (a candidate's
programmes and certificates), directory.py (the public lecturer directory)."""
