"""``python -m messaging.consumer``: one consumer of the group, in this terminal."""

import sys

from messaging.consumer.cli import main

sys.exit(main())
