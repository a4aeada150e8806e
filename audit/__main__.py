"""Allow ``python -m audit``; ``entry`` is also the ``content-audit`` console script.

The CLI's modules are imported inside ``entry`` so that a Ctrl-C while they load (pydantic, yaml
and mistune take a few hundred milliseconds) ends with the same short message and exit code 130
as a Ctrl-C later, instead of a traceback.
"""

from __future__ import annotations

import sys


def entry() -> int:
    try:
        # a `check` with nothing changed since the last run: its output again, before the
        # CLI's imports (most of such a run's time: audit/cache/replay.py)
        from audit.cache.replay import replay

        code = replay(sys.argv[1:])
        if code is not None:
            return code
        from audit.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("content-audit: interrupted\n")
        return 130
    return main()


if __name__ == "__main__":
    raise SystemExit(entry())
