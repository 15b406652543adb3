"""Question answering over timestamped transcripts, with every claim cited to its moment."""

__version__ = "0.1.0"
