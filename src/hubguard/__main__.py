import sys

from hubguard.cli import main

sys.exit(main())
