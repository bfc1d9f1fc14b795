"""Claim materials: the files an enterprise hands in against its policy's material list."""
