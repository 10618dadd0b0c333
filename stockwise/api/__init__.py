"""stockwise.api: order plans as a service (FastAPI), with persistence, jobs and roles.

``create_app(settings)`` builds the app; ``stockwise serve`` runs it with uvicorn.
"""

from stockwise.api.app import create_app
from stockwise.api.core.config import Settings

__all__ = ["Settings", "create_app"]
