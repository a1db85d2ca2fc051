"""Journey Studio's headless core: documents, validation, store, commands and the CLI.

Nothing in this package imports Qt; the GUI builds on top of it.
"""

__version__ = "0.1.0"
