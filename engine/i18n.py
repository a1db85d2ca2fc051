"""Translation markers usable without Qt.

Node titles, descriptions, port labels and config field titles are declared in plain Python
(``nodes/``) and must not import Qt. They are wrapped in :func:`QT_TRANSLATE_NOOP` with the literal
context ``"nodes"`` so that ``pyside6-lupdate`` extracts them into the ``.ts`` files
(``resources/translations/update.sh``); the GUI translates them at display time with
``QCoreApplication.translate`` in the same context.

The context is spelled out at every call on purpose: lupdate reads it from the source text, so a
one-argument shorthand or a constant would leave the strings in no context (or out of the ``.ts``
file altogether) and they would never be translated.
"""

#: Translation context used for everything declared by node specs.
NODES_CONTEXT = "nodes"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - name recognised by lupdate
    """Mark ``text`` for translation in ``context`` and return it unchanged."""
    return text
