"""The rules a decision must meet (moving into a package: see ``citations``)."""

from exemptions.validation.citations import *  # noqa: F403
