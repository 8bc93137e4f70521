from foi_cases.models.cases import *  # noqa: F403
from foi_cases.models.cases import default_authority_name  # noqa: F401
