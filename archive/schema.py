"""Every table of the catalog: importing this module registers all model modules on Base.metadata.

Alembic's env and the migration-agreement test import it; add a line here for a new model module.
"""

import archive.lending.models
import archive.lifecycle_models
import archive.tokens
import archive.transfer_models  # noqa: F401
from archive.models import Base  # noqa: F401
