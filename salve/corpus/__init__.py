"""Annotation corpora: formats, markup, DocBins, augmentation, splits, doccano sync."""
