"""Translation markers usable without Qt.

Node titles, descriptions and port labels are declared in plain Python (``nodes/``) and must not
import Qt. They are wrapped in :func:`QT_TRANSLATE_NOOP` so that ``pyside6-lupdate`` extracts them
into the ``.ts`` files; the GUI translates them at display time with ``QCoreApplication.translate``
in the same context.
"""

#: Translation context used for everything declared by node specs.
NODES_CONTEXT = "nodes"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - name recognised by lupdate
    """Mark ``text`` for translation in ``context`` and return it unchanged."""
    return text


def N_(text: str) -> str:
    """Shorthand for ``QT_TRANSLATE_NOOP("nodes", text)`` used in field titles."""
    return text
