from smartcharge.tools.cli import main

raise SystemExit(main())
