"""The HTTP service: station archives, plan jobs, tokens (issue 4)."""

from service.api.app import create_app
from service.api.settings import Settings

__all__ = ["Settings", "create_app"]
