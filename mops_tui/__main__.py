from mops_tui.launch import main

raise SystemExit(main())
