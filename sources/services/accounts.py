"""Source accounts as admins manage them on the sources page: create, change (secrets write-only) and test
the connection. Every create and change is recorded in the configuration history without secret values."""

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from administration.models import ConfigChange
from administration.services import config_change_record, config_snapshot
from sources.connectors import connector_for
from sources.connectors.base import ConnectorError, SourceQuery
from sources.fields import UnreadableCredentials
from sources.models import Source
from sources.services import costs
from sources.services.credentials import source_settings
from sources.services.sync import source_queries

logger = logging.getLogger(__name__)

# A connection test runs inside a page request: it answers within this, whatever the platform does.
CHECK_TIMEOUT_SECONDS = 20
# Runtime state a poll writes; an edit neither changes nor records it.
RUNTIME_FIELDS = ["status", "last_error", "how_to_fix", "last_run_at", "next_poll_at", "credentials"]


@dataclass(frozen=True, slots=True)
class SourceEdit:
    """What an admin submits for a source. `secrets` holds only the secrets typed in (blank inputs keep
    the stored value); `secrets_cleared` names the ones to remove."""

    name: str
    is_enabled: bool
    poll_interval_minutes: int
    monthly_budget_usd: Decimal | None
    config: dict[str, Any]
    secrets: dict[str, str] = field(default_factory=dict)
    secrets_cleared: frozenset[str] = frozenset()


def source_credentials_after(source: Source, edit: SourceEdit) -> dict[str, str]:
    """The secrets the source will hold once `edit` is saved. Unreadable stored secrets (the key changed)
    cannot be kept: what is typed in replaces them."""
    current = {} if isinstance(source.credentials, UnreadableCredentials) else dict(source.credentials)
    kept = {key: value for key, value in current.items() if key not in edit.secrets_cleared}
    return {**kept, **{key: value for key, value in edit.secrets.items() if value}}


def source_settings_validate(*, kind: str, settings: Mapping[str, Any]) -> None:
    """Check that the connector accepts these settings, without calling the platform: each connector
    checks its settings when it is built. Raises ValidationError with the connector's message and fix."""
    try:
        connector_for(kind, settings)
    except ConnectorError as error:
        raise ValidationError(" ".join(part for part in (str(error), error.how_to_fix) if part)) from None
    except LookupError as error:
        raise ValidationError(str(error)) from None


def source_create(*, actor, kind: str, edit: SourceEdit) -> Source:
    """Create a source from the sources page. Writes a Source and a ConfigChange (secrets as changed
    only). It is polled at the scheduler's next tick when enabled."""
    with transaction.atomic():
        source = Source(
            kind=kind,
            name=edit.name,
            is_enabled=edit.is_enabled,
            poll_interval_minutes=edit.poll_interval_minutes,
            monthly_budget_usd=edit.monthly_budget_usd,
            config=edit.config,
            credentials={key: value for key, value in edit.secrets.items() if value},
        )
        source.full_clean()
        source.save()
        config_change_record(
            actor=actor,
            instance=source,
            action=ConfigChange.Action.CREATED,
            after=_snapshot(source),
            secret_fields=_secret_names(source),
        )
    logger.info("source %s (%s) created by %s", source.pk, kind, getattr(actor, "pk", None))
    return source


def source_update(*, actor, source: Source, edit: SourceEdit) -> Source:
    """Save an admin's edit of a source. Writes the Source and a ConfigChange (secrets as changed only).

    Changing the settings or secrets of a broken source, or turning a source back on, clears its health
    so the scheduler tries it again at the next tick: the scheduler skips broken sources until a person
    has acted, and this is that act.
    """
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        before = _snapshot(source)
        before_secrets = _secret_names(source)
        credentials = source_credentials_after(source, edit)
        settings_changed = source.config != edit.config or credentials != source.credentials
        turned_on = edit.is_enabled and not source.is_enabled
        source.name = edit.name
        source.is_enabled = edit.is_enabled
        source.poll_interval_minutes = edit.poll_interval_minutes
        source.monthly_budget_usd = edit.monthly_budget_usd
        source.config = edit.config
        source.credentials = credentials
        if source.status == Source.Status.BROKEN and (settings_changed or turned_on):
            _health_reset(source)
        source.full_clean()
        source.save()
        config_change_record(
            actor=actor,
            instance=source,
            action=ConfigChange.Action.CHANGED,
            before=before,
            after=_snapshot(source),
            secret_fields=before_secrets | _secret_names(source),
        )
    logger.info("source %s changed by %s", source.pk, getattr(actor, "pk", None))
    return source


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    """What a connection test found: OK with what the platform said, or the error and how to fix it."""

    ok: bool
    message: str
    how_to_fix: str = ""
    retry_after: float | None = None
    resumed: bool = False


def source_connection_test(*, source: Source) -> ConnectionCheck:
    """Make the connector's cheapest real call now, with a short timeout, storing no mentions.

    A broken source that passes is set back to "not run yet" so polling resumes (writes Source health).
    Never raises for what the platform answers; the outcome is returned for the page.
    """
    try:
        connector = connector_for(source.kind, source_settings(source))
        query = _check_query(source, connector)
        # The connector never touches the database, so it can run in a thread we stop waiting for; the
        # thread itself ends at the connector's own request timeout.
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="source-check")
        try:
            message = pool.submit(connector.check_connection, query).result(timeout=CHECK_TIMEOUT_SECONDS)
        except FutureTimeout:
            return ConnectionCheck(
                ok=False,
                message=f"The platform did not answer within {CHECK_TIMEOUT_SECONDS} seconds.",
                how_to_fix="Try again in a few minutes; if it keeps happening, check the platform's status.",
            )
        finally:
            pool.shutdown(wait=False)
            # A test call spends the platform's daily quota like any other (1 unit on YouTube).
            costs.quota_units_record(source=source, units=connector.quota_units_used)
    except ConnectorError as error:
        logger.info("connection test of source %s failed: %s", source.pk, error)
        return ConnectionCheck(
            ok=False, message=str(error), how_to_fix=error.how_to_fix, retry_after=error.retry_after
        )
    except LookupError as error:
        return ConnectionCheck(ok=False, message=str(error))
    resumed = False
    if source.status == Source.Status.BROKEN:
        _health_reset(source)
        source.save(update_fields=["status", "last_error", "how_to_fix", "next_poll_at"])
        resumed = True
    return ConnectionCheck(ok=True, message=message, resumed=resumed)


def _check_query(source: Source, connector) -> SourceQuery:
    """The first tracked hospital's query that this source would actually poll (a reviews source polls
    only its own hospital), or a stand-in word when nothing is tracked yet."""
    for planned in source_queries(source=source):
        if connector.plan_queries(planned.query):
            return planned.query
    return SourceQuery(key="connection-test", terms=("hospital",))


def _health_reset(source: Source) -> None:
    source.status = Source.Status.NEW
    source.last_error = ""
    source.how_to_fix = ""
    source.next_poll_at = None


def _snapshot(source: Source) -> dict[str, Any]:
    # Secrets go in by name with their values, only so a change is detected; config_change_record stores
    # them as "(changed)" because each is listed in secret_fields.
    snapshot = config_snapshot(source, exclude=RUNTIME_FIELDS)
    if isinstance(source.credentials, dict):
        snapshot.update({f"credentials.{key}": value for key, value in source.credentials.items()})
    else:
        snapshot["credentials"] = "unreadable"
    return snapshot


def _secret_names(source: Source) -> set[str]:
    names = {"credentials"}
    if isinstance(source.credentials, dict):
        names.update(f"credentials.{key}" for key in source.credentials)
    return names
