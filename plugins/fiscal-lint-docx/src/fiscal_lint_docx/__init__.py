"""fiscal-lint plugin: parse the Word (.docx) source of a disclosure report into the document model."""

__version__ = "0.1.0"
