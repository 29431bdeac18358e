from mops_tui.cli import main

raise SystemExit(main())
