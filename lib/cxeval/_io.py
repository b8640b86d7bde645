"""File access shared by the modules: atomic writes, and safe reading of YAML configs.

Atomic writes go to a temporary file in the target folder, then ``os.replace``: a reader
never sees a half-written file, and an interrupted write leaves the previous version in
place. Used by every module that writes (batch, report, sample, cli).

Configuration files (scorecards, SLA limits, categories) are read by :func:`load_yaml`
alone, which refuses YAML anchors and aliases.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "atomic_write_text", "atomic_write_bytes", "load_yaml",
           "MAX_CONFIG_BYTES"]

# mkstemp creates files 0600; written files get the mode a plain open() would give.
# The umask is read once here: os.umask can only be read by setting it.
_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary file keeps the target's ending: writers such as pandas' Excel writer
    # choose their format by it.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """Write text to ``path`` atomically."""
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding=encoding))


def atomic_write_bytes(path: str | os.PathLike, payload: bytes) -> Path:
    """Write bytes to ``path`` atomically."""
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(payload))


#: Configuration files larger than this are refused before parsing (the shipped ones are
#: a few kilobytes).
MAX_CONFIG_BYTES = 1_000_000


def folder_problem(path: str | os.PathLike) -> str | None:
    """Why ``path`` cannot be a folder to write into (created if missing), or None.

    The words follow a name given by the caller: "--out reports: the folder is not writable".
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        return "is a file, not a folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return f"cannot create the folder ({err.strerror or err})"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "the folder is not writable"
    return None


def load_yaml(source, name: str) -> Any:
    """Parse a YAML configuration, refusing anchors and aliases.

    An alias repeats a whole node, so a few lines of nested aliases (the "billion laughs")
    expand to billions of values: the scorecard loader ran for 30-60 s and ended in a
    MemoryError. Configs have no need for them, so the events are scanned first (cheap:
    nothing is expanded) and the first anchor or alias is an error; only then is the
    text turned into Python values.

    Parameters
    ----------
    source : str or text file object
        The YAML text, or an open file.
    name : str
        The file's name, for messages.

    Returns
    -------
    The parsed value (``yaml.safe_load``); None for an empty file.

    Raises
    ------
    cxeval.errors.ConfigError
        An anchor (``&name``), alias (``*name``) or merge key (``<<: *name``), naming the
        file and line; or the text is larger than :data:`MAX_CONFIG_BYTES`.
    yaml.YAMLError
        The text is not valid YAML (callers word their own message).
    """
    import yaml

    from cxeval.errors import ConfigError

    text = source.read(MAX_CONFIG_BYTES + 1) if hasattr(source, "read") else str(source)
    if len(text) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{name}: the file is larger than {MAX_CONFIG_BYTES:,} characters; "
                          "a configuration is a few kilobytes")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for event in yaml.parse(text, Loader=loader):
        alias = isinstance(event, yaml.AliasEvent)
        if alias or getattr(event, "anchor", None) is not None:
            what = (f"alias *{event.anchor}" if alias else f"anchor &{event.anchor}")
            raise ConfigError(f"{name} line {event.start_mark.line + 1}: YAML {what}: anchors "
                              "and aliases are not allowed in configuration files; write the "
                              "values out in full")
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
