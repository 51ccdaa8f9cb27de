from smartcharge.cli import main

raise SystemExit(main())
