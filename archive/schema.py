"""Every table of the catalog: importing this module registers all model modules on Base.metadata.

Alembic's env and the migration-agreement test import it; add a line here for a new model module.
"""

import archive.disclosure.models
import archive.lending.models
import archive.lifecycle_models
import archive.registry_models
import archive.room_models
import archive.tokens
import archive.transfer_models
import archive.utilization.models
import archive.workdays  # noqa: F401
from archive.models import Base  # noqa: F401
