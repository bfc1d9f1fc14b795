"""Receipts (受理回执) and decisions (决定书) on paper: PDFs an enterprise can keep, each with a
verification code anyone can check on the public page ``/verify``."""
