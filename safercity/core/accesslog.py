"""gunicorn's access log, keeping nothing about who sent a public tip: on the tip line's
paths the client's address, its user agent, the referring page and every request header are
written as "-" (the tip form promises that no address or device data is kept)."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

ANONYMOUS_PATHS = ("/tips/",)
_IDENTIFYING = ("h", "a", "f", "u")


class AnonymousPathsLogger(Logger):  # type: ignore[misc]  # gunicorn has no type hints
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        if str(environ.get("PATH_INFO", "")).startswith(ANONYMOUS_PATHS):
            for key in list(atoms):
                if key in _IDENTIFYING or key.endswith("}i"):
                    atoms[key] = "-"
        return atoms
