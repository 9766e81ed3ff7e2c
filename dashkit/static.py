"""Static files through WhiteNoise, with content-hashed URLs that can be cached forever."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from whitenoise import WhiteNoise

from dashkit.resources import shipped_path

BUILTIN_MOUNT = "dashkit"
STATIC_PREFIX = "/static/"
_VERSIONED_NAME = re.compile(r"(\.[0-9a-f]{12}(\.|$)|-\d+\.\d+\.\d+[.-])")
_COMPRESSED_SUFFIXES = (".gz", ".br")
ONE_HOUR = 3600


class StaticFiles:
    """Serves dashkit's assets at /static/dashkit/, each blueprint's at /static/<name>/,
    and the app's own at /static/; `url()` gives the hashed, immutable name of a file."""

    def __init__(self) -> None:
        self._folders: dict[str, Path] = {BUILTIN_MOUNT: shipped_path("static")}
        self._versioned: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        """Extra headers on every static response (auth adds its security headers)."""

    def mount(self, name: str, folder: Path) -> None:
        """Serve `folder` under /static/<name>/ (name "" is the app's own folder)."""
        self._folders[name] = folder

    def wrap(self, wsgi_app: Any) -> WhiteNoise:
        """Put WhiteNoise in front of `wsgi_app`, with every mounted file registered."""
        server = WhiteNoise(
            wsgi_app,
            max_age=ONE_HOUR,
            immutable_file_test=_is_versioned_url,
            add_headers_function=self._add_headers,
        )
        self._versioned.clear()
        for name, folder in self._folders.items():
            if folder.is_dir():
                self._register_folder(server, name, folder)
        return server

    def _register_folder(self, server: WhiteNoise, name: str, folder: Path) -> None:
        prefix = STATIC_PREFIX + (f"{name}/" if name else "")
        for file in sorted(folder.rglob("*")):
            if not file.is_file() or file.suffix in _COMPRESSED_SUFFIXES:
                continue
            relative = file.relative_to(folder).as_posix()
            server.add_file_to_dictionary(prefix + relative, str(file))
            versioned = prefix + _hashed_name(relative, file)
            server.add_file_to_dictionary(versioned, str(file))
            self._versioned[f"{name}/{relative}" if name else relative] = versioned

    def _add_headers(self, headers: Any, path: str, url: str) -> None:
        for name, value in self.headers.items():
            headers[name] = value

    def url(self, path: str) -> str:
        """URL of a static file: "dashkit/css/dashkit.css", "<blueprint>/x.js" or "app.css"."""
        path = path.lstrip("/")
        try:
            return self._versioned[path]
        except KeyError:
            raise FileNotFoundError(
                f"no static file {path!r}: dashkit's own files start with 'dashkit/', "
                f"a blueprint's with its name, the app's have no prefix"
            ) from None


def _hashed_name(relative: str, file: Path) -> str:
    digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12]
    stem, dot, suffix = relative.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{relative}.{digest}"


def _is_versioned_url(path: str, url: str) -> bool:
    return bool(_VERSIONED_NAME.search(url.rpartition("/")[2]))
