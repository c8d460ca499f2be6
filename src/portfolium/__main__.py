"""`python -m portfolium` is the `portfolium` command."""

from portfolium.cli import main

raise SystemExit(main())
