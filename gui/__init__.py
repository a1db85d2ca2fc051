"""Everything Qt: the main window, the canvas, palette, inspector and panels.

Importing this package does not import Qt; modules that need it import it through ``gui.qt``.
"""
