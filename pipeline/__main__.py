"""Entry point for ``python -m pipeline``."""
import sys

from pipeline.orchestration.cli import main

sys.exit(main())
