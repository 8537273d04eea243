"""PyInstaller's entry script: the bundle's ``annotator`` executable is the CLI.

With no subcommand it opens the window (exactly like the pip-installed
``annotator`` console script, ``annotator.cli:main``), so one executable answers
``annotator add/list/export/tag/...`` and double-clicks alike.
"""

from annotator.cli import main

raise SystemExit(main())
