"""Framing: the lexicon of terms, analysts' tags, occurrences found in every article, outlet statistics,
SVG charts, and annotation export and import. Entry point for rendering: ``highlights.spans_for_article``."""
