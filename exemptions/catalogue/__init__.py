"""The reference catalogue of FOI exemptions (moving into a package: see ``foia``)."""

from exemptions.catalogue.foia import *  # noqa: F403
