"""``python -m cmcore``: the command line."""

from cmcore._cli import main

raise SystemExit(main())
