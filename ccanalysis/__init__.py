"""ccanalysis: client-side billing control for outsourced contact centres."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ccanalysis")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__"]
