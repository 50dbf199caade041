"""Reading sources: encodings, formats, normalisation, chapters, and analysis."""
