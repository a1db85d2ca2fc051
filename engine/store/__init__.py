"""The workspace store: journeys, drafts and published versions in SQLite or PostgreSQL."""

from engine.store.workspace import (
    JourneyInfo,
    VersionInfo,
    Workspace,
    alembic_config,
    default_workspace_path,
)

__all__ = ["JourneyInfo", "VersionInfo", "Workspace", "alembic_config", "default_workspace_path"]
