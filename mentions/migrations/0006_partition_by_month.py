"""Partition mentions_mention by month of posted_at, with the dedupe key in its own table (MentionKey).

Django does not manage partitioned tables, so this builds the new table in SQL: a partitioned copy of the
columns, one partition per month that holds mentions plus the current month and three ahead, a default
partition for anything else; copies the rows, fills mentions_mentionkey from them, swaps the tables and
recreates the indexes and foreign keys under their old names, with primary key (id, posted_at). Triggers
then keep the key table exact for every later write. Writes to mentions wait while it runs (the old table
is locked against writes, not reads). Reversible: the way back copies into an unpartitioned table.
"""

from django.db import migrations, models

MONTHS_AHEAD = 3

# For every mention written outside ingest (which claims keys itself), so the key table stays the whole
# truth: statement-level, so a bulk insert or delete costs one set-based statement, not one per row.
KEY_TRIGGERS_SQL = """
CREATE FUNCTION mentions_mention_key_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mentions_mentionkey (platform, external_id, mention_id, posted_at)
    SELECT platform, external_id, id, posted_at FROM new_rows
    ON CONFLICT DO NOTHING;
    -- A key claimed by another mention: the same post stored twice, as the old unique constraint said.
    IF EXISTS (
        SELECT 1 FROM new_rows n
        JOIN mentions_mentionkey k ON k.platform = n.platform AND k.external_id = n.external_id
        WHERE k.mention_id <> n.id
    ) THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', CONSTRAINT = 'mentions_mentionkey_pkey',
            MESSAGE = 'duplicate key value violates unique constraint "mentions_mentionkey_pkey"';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION mentions_mention_key_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM mentions_mentionkey k USING old_rows o WHERE k.mention_id = o.id;
    RETURN NULL;
END $$;

-- Row-level BEFORE UPDATE, because it is the one trigger that also fires when a new posted_at moves the
-- row to another partition (Postgres runs that as a delete plus an insert, without the statement-level
-- delete and insert triggers above, so those never see a move).
CREATE FUNCTION mentions_mention_key_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE mentions_mentionkey
    SET platform = NEW.platform, external_id = NEW.external_id, posted_at = NEW.posted_at
    WHERE mention_id = OLD.id;
    RETURN NEW;
END $$;

CREATE TRIGGER mentions_mention_key_insert AFTER INSERT ON mentions_mention
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mentions_mention_key_insert();
CREATE TRIGGER mentions_mention_key_delete AFTER DELETE ON mentions_mention
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mentions_mention_key_delete();
CREATE TRIGGER mentions_mention_key_update BEFORE UPDATE ON mentions_mention FOR EACH ROW
    WHEN ((OLD.platform, OLD.external_id, OLD.posted_at) IS DISTINCT FROM
          (NEW.platform, NEW.external_id, NEW.posted_at))
    EXECUTE FUNCTION mentions_mention_key_update();
"""

DROP_KEY_FUNCTIONS_SQL = """
DROP FUNCTION IF EXISTS mentions_mention_key_insert(), mentions_mention_key_delete(),
    mentions_mention_key_update();
"""


def _fetch(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.fetchall()


def _rebuild(schema_editor, *, partitioned: bool) -> None:
    """Copy mentions_mention into a new table (partitioned by month or not) and swap it in."""
    table, new = "mentions_mention", f"mentions_mention_{'partitioned' if partitioned else 'plain'}"
    execute = schema_editor.execute
    with schema_editor.connection.cursor() as cursor:
        # Reads go on while the rows are copied; writes wait, so none is lost between copy and swap.
        execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        columns = ", ".join(
            row[0]
            for row in _fetch(
                cursor,
                "SELECT quote_ident(column_name) FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s AND is_generated = 'NEVER' "
                "ORDER BY ordinal_position",
                [table],
            )
        )
        foreign_keys = _fetch(
            cursor,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' AND conparentid = 0",
            [table],
        )
        indexes = [
            definition.replace(" ON ONLY ", " ON ")
            for (definition,) in _fetch(
                cursor,
                "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary",
                [table],
            )
        ]
        ((sequence,),) = _fetch(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [table])
        ((next_id,),) = _fetch(
            cursor, f"SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {sequence}"
        )
        # Every month that holds mentions, and last month to a few months ahead (UTC months).
        months = _fetch(
            cursor,
            f"SELECT date_trunc('month', posted_at AT TIME ZONE 'UTC')::date FROM {table} "
            "UNION SELECT generate_series("
            "date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month', "
            f"date_trunc('month', now() AT TIME ZONE 'UTC') + interval '{MONTHS_AHEAD} months', "
            "interval '1 month')::date ORDER BY 1",
        )

        like = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING IDENTITY INCLUDING STORAGE"
        execute(
            f"CREATE TABLE {new} (LIKE {table} {like})"
            + (" PARTITION BY RANGE (posted_at)" if partitioned else "")
        )
        if partitioned:
            for (month,) in months:
                following = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
                execute(
                    f"CREATE TABLE {table}_p{month:%Y_%m} PARTITION OF {new} FOR VALUES "
                    f"FROM ('{month.isoformat()} 00:00+00') TO ('{following.isoformat()} 00:00+00')"
                )
            execute(f"CREATE TABLE {table}_default PARTITION OF {new} DEFAULT")
        execute(f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {table}")
        execute(f"SELECT setval(pg_get_serial_sequence('{new}', 'id'), {next_id}, false)")
        execute(f"DROP TABLE {table}")
        execute(f"ALTER TABLE {new} RENAME TO {table}")
        execute(f"ALTER SEQUENCE {new}_id_seq RENAME TO {table}_id_seq")
        execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY "
            + ("(id, posted_at)" if partitioned else "(id)")
        )
        for definition in indexes:
            execute(definition)
        for name, definition in foreign_keys:
            execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        if partitioned:
            execute(
                "INSERT INTO mentions_mentionkey (platform, external_id, mention_id, posted_at) "
                f"SELECT platform, external_id, id, posted_at FROM {table}"
            )
            execute(KEY_TRIGGERS_SQL)
        # Fresh tables have no statistics: without them the first queries plan as if they were empty.
        execute(f"ANALYZE {table}")
        execute("ANALYZE mentions_mentionkey")


def partition_mentions(apps, schema_editor):
    _rebuild(schema_editor, partitioned=True)


def unpartition_mentions(apps, schema_editor):
    _rebuild(schema_editor, partitioned=False)
    schema_editor.execute(DROP_KEY_FUNCTIONS_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ('mentions', '0005_mention_updated_at'),
        ('tracking', '0006_backfill_waits_for_history'),
        ('clusters', '0002_mention_fks_without_db_constraint'),
        ('enrichment', '0002_mention_fk_without_db_constraint'),
        ('triage', '0010_mention_fks_without_db_constraint'),
    ]

    operations = [
        migrations.CreateModel(
            name='MentionKey',
            fields=[
                ('pk', models.CompositePrimaryKey('platform', 'external_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('platform', models.CharField(choices=[('x', 'X'), ('reddit', 'Reddit'), ('news', 'News'), ('web', 'Web'), ('review', 'Review site'), ('google_reviews', 'Google reviews'), ('bluesky', 'Bluesky'), ('facebook', 'Facebook'), ('instagram', 'Instagram'), ('youtube', 'YouTube'), ('linkedin', 'LinkedIn'), ('other', 'Other')], max_length=20)),
                ('external_id', models.CharField(max_length=255)),
                ('mention_id', models.BigIntegerField(unique=True)),
                ('posted_at', models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name='mention',
            name='mention_unique_platform_external_id',
        ),
        migrations.AlterField(
            model_name='mention',
            name='matched_terms',
            field=models.ManyToManyField(blank=True, db_constraint=False, related_name='mentions', to='tracking.trackedterm'),
        ),
        migrations.RunPython(partition_mentions, unpartition_mentions),
    ]
