"""Typed domain errors.

Every error the engine raises on bad input is one of these, carries a message a marketer can read,
and says where the problem is (file, JSON path, node, field) so that the CLI and the GUI can show it
without a traceback.
"""

from __future__ import annotations


class JourneyStudioError(Exception):
    """Base class: ``str(err)`` is a complete, user-readable sentence."""

    def __init__(self, message: str, *, where: str | None = None):
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class JourneyFormatError(JourneyStudioError):
    """A journey file is not valid JSON, has the wrong shape, or comes from a newer version."""

    def __init__(self, message: str, *, file: str | None = None, path: str | None = None):
        self.file = file
        self.path = path
        where = file or ""
        if path:
            where = f"{where} at {path}" if where else f"at {path}"
        super().__init__(message, where=where or None)


class UnknownNodeType(JourneyStudioError):
    """A node refers to a type key that no installed node pack provides."""

    def __init__(self, type_key: str, *, node_id: str | None = None):
        self.type_key = type_key
        self.node_id = node_id
        super().__init__(f"unknown node type '{type_key}'", where=f"node {node_id}" if node_id else None)


class ConfigInvalid(JourneyStudioError):
    """A node's configuration does not satisfy its spec's config model."""

    def __init__(self, message: str, *, node_id: str | None = None, field: str | None = None,
                 errors: list[dict] | None = None):
        self.node_id = node_id
        self.field = field
        self.errors = errors or []
        where = " ".join(p for p in (f"node {node_id}" if node_id else "", f"field '{field}'" if field else "") if p)
        super().__init__(message, where=where or None)


class IncompatiblePorts(JourneyStudioError):
    """An edge would join ports that cannot be joined (wrong direction, missing port, self loop)."""


class DocumentError(JourneyStudioError):
    """An edit refers to something the journey does not contain (missing node, duplicate id)."""


class WorkspaceError(JourneyStudioError):
    """The workspace database cannot be opened, is locked by another process, or is corrupt."""


class WorkspaceLocked(WorkspaceError):
    """Another Journey Studio process is writing to this workspace. ``pid`` and ``holder`` (what
    the holder says it is: ``journey-studio collect``, ``app``) are known for a workspace file
    on this computer, else None."""

    def __init__(self, message: str, *, where: str | None = None, pid: int | None = None,
                 holder: str | None = None):
        super().__init__(message, where=where)
        self.pid = pid
        self.holder = holder


class PublishRefused(JourneyStudioError):
    """A journey with validation errors cannot be published."""

    def __init__(self, issues: list):
        self.issues = issues
        n = sum(1 for i in issues if getattr(i, "severity", "error") == "error")
        super().__init__(f"the journey has {n} error(s) and cannot be published")


class NotFound(JourneyStudioError):
    """A journey, version or customer asked for by id or name does not exist."""


class CustomerDataInvalid(JourneyStudioError):
    """A customer, identifier or event handed to the store is malformed; nothing was stored.

    ``field`` is the path of the bad value (``identifiers.email``, ``properties``, ``occurred_at``);
    ``item`` is its position when it came in a batch.
    """

    def __init__(self, message: str, *, field: str, item: int | None = None):
        self.field = field
        self.item = item
        where = ", ".join(p for p in (f"item {item}" if item is not None else "",
                                      f"field '{field}'" if field else "") if p)
        super().__init__(message, where=where or None)


class IdentityConflict(JourneyStudioError):
    """Identifiers given together belong to different customers; their profiles must be merged first."""

    def __init__(self, message: str, *, identifiers: dict[str, str], customer_ids: list[str],
                 item: int | None = None):
        self.identifiers = identifiers
        self.customer_ids = customer_ids
        self.item = item
        super().__init__(message, where=None if item is None else f"item {item}")


class SecretStoreUnavailable(JourneyStudioError):
    """No usable OS keyring: secrets (passwords, tokens) cannot be kept, and are never kept elsewhere.

    The message says which keyring was found, why it is refused and what to install. It never
    contains a secret.
    """


class ChannelAccountInvalid(JourneyStudioError):
    """A channel account's settings or secrets do not fit its kind (unknown kind, missing or unknown
    field, a secret given as a setting). ``account`` and ``field`` say where."""

    def __init__(self, message: str, *, account: str | None = None, field: str | None = None):
        self.account = account
        self.field = field
        where = " ".join(p for p in (f"channel account '{account}'" if account else "",
                                     f"field '{field}'" if field else "") if p)
        super().__init__(message, where=where or None)


class TemplateError(JourneyStudioError):
    """A message template cannot be rendered: bad syntax, a missing variable, a refused operation or
    a bound hit. ``line`` is the 1-based line of the template, when known."""

    def __init__(self, message: str, *, line: int | None = None, name: str | None = None):
        self.line = line
        #: The template's name (``subject``, ``body``...), when the caller gave one.
        self.name = name
        where = " ".join(p for p in (name or "", f"line {line}" if line else "") if p)
        super().__init__(message, where=where or None)


class TemplateRefused(TemplateError):
    """The template tried something the sandbox forbids (private attributes, unsafe calls); it was
    stopped before that part ran."""


class TemplateLimitExceeded(TemplateError):
    """Rendering the template went past a bound (output size, time, the size of a computed value)."""


class SegmentInvalid(JourneyStudioError):
    """Segment rules (or a segment's name) are malformed; ``path`` names the bad part
    (``conditions[1].value``)."""

    def __init__(self, message: str, *, path: str = ""):
        self.path = path
        super().__init__(message, where=f"segment rules at {path}" if path else None)


class AmbiguousIdentifier(JourneyStudioError):
    """A customer was asked for by a value that names several customers; ``candidates`` lists them
    as ``(customer id, "kind:value")`` pairs."""

    def __init__(self, message: str, *, candidates: list[tuple[str, str]]):
        self.candidates = candidates
        super().__init__(message)


class MailboxUnavailable(JourneyStudioError):
    """The mailbox that receives unsubscribe requests cannot be read (no connection, login refused,
    no such folder). The message names the account and the server, never the password."""


class SmsRepliesUnavailable(MailboxUnavailable):
    """The replies an SMS account received cannot be read from the provider's API (no connection,
    credentials refused, an error or unreadable answer). The message names the account and the
    provider's host, never the auth token."""
