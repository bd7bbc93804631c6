"""Where model versions live and which one is active.

Layout under settings.ENRICHMENT_MODEL_DIR (default BASE_DIR/var/models):

    <version>/model.joblib     the fitted ComplaintModel
    <version>/metrics.json     held-out figures written when the version was trained
    active.json                {"version": ..., "score": ..., "activated_at": ...}
    .lock                      held while a process trains or switches versions
"""

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import joblib
from django.conf import settings

from enrichment.classifier.features import FEATURE_VERSION
from enrichment.classifier.model import ComplaintModel

MODEL_FILE = "model.joblib"
METRICS_FILE = "metrics.json"
ACTIVE_FILE = "active.json"


class ModelUnavailable(RuntimeError):
    """No usable model version: none is active, or its files are missing or unreadable."""


def model_dir() -> Path:
    default = Path(settings.BASE_DIR) / "var" / "models"
    return Path(getattr(settings, "ENRICHMENT_MODEL_DIR", default))


def active_record(directory: Path | None = None) -> dict | None:
    """The contents of active.json, or None when no version has been activated."""
    path = (directory or model_dir()) / ACTIVE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ModelUnavailable(f"{path} is not valid JSON: {error}") from error


def active_version(directory: Path | None = None) -> str | None:
    record = active_record(directory)
    return record["version"] if record else None


def version_exists(version: str, directory: Path | None = None) -> bool:
    version_dir = (directory or model_dir()) / version
    return (version_dir / MODEL_FILE).is_file() and (version_dir / METRICS_FILE).is_file()


def save_version(model: ComplaintModel, metrics: dict, directory: Path | None = None) -> Path:
    """Write model.joblib and metrics.json for model.version; files appear whole or not at all."""
    version_dir = (directory or model_dir()) / model.version
    version_dir.mkdir(parents=True, exist_ok=True)
    _atomic_write(
        version_dir / MODEL_FILE, lambda handle: joblib.dump(model, handle, compress=3), binary=True
    )
    _atomic_write(version_dir / METRICS_FILE, lambda handle: json.dump(metrics, handle, indent=2))
    return version_dir


def load_version(version: str, directory: Path | None = None) -> ComplaintModel:
    path = (directory or model_dir()) / version / MODEL_FILE
    try:
        model = joblib.load(path)
    except FileNotFoundError as error:
        raise ModelUnavailable(f"model version {version} has no {path}") from error
    except (OSError, EOFError, ValueError, AttributeError, ModuleNotFoundError, ImportError) as error:
        # Truncated files and pickles from incompatible code or library versions end up here.
        raise ModelUnavailable(f"model version {version} could not be loaded: {error}") from error
    if not isinstance(model, ComplaintModel):
        raise ModelUnavailable(f"{path} does not hold a ComplaintModel")
    # Read the pickled value itself: a model saved before the field existed would otherwise report the
    # class default, which is always the current version.
    fitted_with = vars(model).get("feature_version", 1)
    if fitted_with != FEATURE_VERSION:
        # The pickle holds fitted weights, not the feature code: old weights on new features would be
        # silently wrong, so such a version must be retrained.
        raise ModelUnavailable(
            f"model version {version} was fitted with features v{fitted_with}, "
            f"this code computes v{FEATURE_VERSION}"
        )
    return model


def read_metrics(version: str, directory: Path | None = None) -> dict:
    path = (directory or model_dir()) / version / METRICS_FILE
    return json.loads(path.read_text(encoding="utf-8"))


def activate_version(version: str, *, score: float, directory: Path | None = None) -> None:
    directory = directory or model_dir()
    directory.mkdir(parents=True, exist_ok=True)
    record = {"version": version, "score": score, "activated_at": datetime.now(UTC).isoformat()}
    _atomic_write(directory / ACTIVE_FILE, lambda handle: json.dump(record, handle, indent=2))


@contextlib.contextmanager
def model_dir_lock(directory: Path | None = None) -> Iterator[None]:
    """Serialise training and activation across processes (two workers starting up at once)."""
    directory = directory or model_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic_write(path: Path, write, *, binary: bool = False) -> None:
    # Readers in other processes must never see half a file: write beside it, then rename over it.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(
            descriptor, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})
        ) as handle:
            write(handle)
        # mkstemp creates 0600; web and worker processes may run as other users and must read the model.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
