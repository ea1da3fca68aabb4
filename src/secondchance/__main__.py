from secondchance.cli import main

raise SystemExit(main())
