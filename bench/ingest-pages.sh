#!/usr/bin/env bash
# bench/ingest-pages.sh N DIR
# Bytes SQLite writes to its WAL for one ingestion batch of 10,000 texts, on a store of N texts, with the indexes of
# main (f0ac601) and of this branch: the statements' shapes of MessageIngestion, the bench's data shape (N/10
# contacts, 200 groups, 5,000 agents), SQLite's default cache (2 MB), WAL, synchronous=NORMAL.
set -euo pipefail
n=$1; dir=$2; mkdir -p "$dir"
contacts=$(( n / 10 ))
common="
PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
CREATE TABLE MessageEvents (Id INTEGER PRIMARY KEY AUTOINCREMENT, OrganizationId INTEGER NOT NULL, ExternalId TEXT,
  AgentId INTEGER NOT NULL, Contact TEXT NOT NULL, FromNumber TEXT NOT NULL, GroupId INTEGER, InboxId INTEGER,
  SentAt TEXT NOT NULL, ContactName TEXT, RecordedAt TEXT NOT NULL);
WITH RECURSIVE s(e) AS (SELECT 0 UNION ALL SELECT e + 1 FROM s WHERE e + 1 < $n)
INSERT INTO MessageEvents (OrganizationId, ExternalId, AgentId, Contact, FromNumber, GroupId, InboxId,
  SentAt, RecordedAt)
SELECT 1, 'e' || e, 1 + (e * 7919) % 5000, printf('+1312%07d', abs(random()) % $contacts),
  printf('+1202555%04d', g), g, NULL,
       strftime('%Y-%m-%d %H:%M:%S', 1767225600 + e, 'unixepoch'), '2026-12-01 00:00:00'
FROM (SELECT e, abs(random()) % 200 AS g FROM s);
CREATE UNIQUE INDEX IX_Ext ON MessageEvents (OrganizationId, ExternalId) WHERE ExternalId IS NOT NULL;
CREATE INDEX IX_SentAt ON MessageEvents (OrganizationId, SentAt);
"
batch="
CREATE TEMP TABLE batch AS
WITH RECURSIVE s(e) AS (SELECT $n UNION ALL SELECT e + 1 FROM s WHERE e + 1 < $n + 10000)
SELECT 'e' || e AS ExternalId, 1 + (e * 7919) % 5000 AS AgentId, printf('+1312%07d',
  abs(random()) % $contacts) AS Contact,
       printf('+1202555%04d', g) AS FromNumber, g AS GroupId, strftime('%Y-%m-%d %H:%M:%S', 1767225600 + e,
         'unixepoch') AS SentAt
FROM (SELECT e, abs(random()) % 200 AS g FROM s) ORDER BY 1;
"
insert_events="INSERT INTO MessageEvents (OrganizationId, ExternalId, AgentId, Contact, FromNumber, GroupId,
  InboxId, SentAt, RecordedAt)
SELECT 1, ExternalId, AgentId, Contact, FromNumber, GroupId, NULL, SentAt,
  '2026-12-02 00:00:00' FROM batch WHERE true ON CONFLICT DO NOTHING;"

sqlite3 "$dir/before.db" "$common
CREATE INDEX IX_Agent ON MessageEvents (AgentId, Contact, SentAt);
CREATE INDEX IX_Contact ON MessageEvents (OrganizationId, Contact);
CREATE TABLE LastTexts (GroupId INTEGER NOT NULL, Contact TEXT NOT NULL, AgentId INTEGER NOT NULL,
  FromNumber TEXT NOT NULL,
  SentAt TEXT NOT NULL, ContactName TEXT, CONSTRAINT PK_LastTexts PRIMARY KEY (GroupId, Contact));
INSERT INTO LastTexts SELECT GroupId, Contact, AgentId, FromNumber, max(SentAt),
  NULL FROM MessageEvents GROUP BY GroupId, Contact ORDER BY 1, 2;
" >/dev/null
sqlite3 "$dir/after.db" "$common
CREATE TABLE ContactTexts (OrganizationId INTEGER NOT NULL, Contact TEXT NOT NULL, Kind INTEGER NOT NULL,
  OwnerId INTEGER NOT NULL,
  AgentId INTEGER NOT NULL, FromNumber TEXT NULL, GroupId INTEGER NULL, InboxId INTEGER NULL,
    SentAt TEXT NOT NULL, ContactName TEXT NULL,
  CONSTRAINT PK_ContactTexts PRIMARY KEY (OrganizationId, Contact, Kind, OwnerId)) WITHOUT ROWID;
INSERT INTO ContactTexts
SELECT * FROM (
  SELECT OrganizationId, Contact, 2, Id, AgentId, NULL, GroupId, InboxId, SentAt, NULL FROM MessageEvents
  UNION ALL SELECT OrganizationId, Contact, 0, GroupId, AgentId, FromNumber, GroupId, NULL, max(SentAt),
    NULL FROM MessageEvents GROUP BY OrganizationId, Contact, GroupId
  UNION ALL SELECT OrganizationId, Contact, 1, AgentId, AgentId, FromNumber, GroupId, InboxId, max(SentAt),
    NULL FROM MessageEvents GROUP BY OrganizationId, Contact, AgentId)
ORDER BY 1, 2, 3, 4;
" >/dev/null

measure() { # db statements
  local db=$1 sql=$2
  sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  printf '%s\n' "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0; $batch BEGIN; $sql COMMIT;" \
    ".system stat -c %s $db-wal" | sqlite3 "$db" | tail -n 1
}
b=$(measure "$dir/before.db" "$insert_events
INSERT INTO LastTexts SELECT GroupId, Contact, AgentId, FromNumber, SentAt, NULL FROM batch WHERE true
ON CONFLICT (GroupId, Contact) DO UPDATE SET AgentId = excluded.AgentId, FromNumber = excluded.FromNumber,
  SentAt = excluded.SentAt
WHERE excluded.SentAt > LastTexts.SentAt;")
a=$(measure "$dir/after.db" "$insert_events
INSERT INTO ContactTexts
SELECT * FROM (
  SELECT 1, b.Contact, 2, m.Id, b.AgentId, NULL, b.GroupId, NULL, b.SentAt,
    NULL FROM batch b JOIN MessageEvents m ON m.OrganizationId = 1 AND m.ExternalId = b.ExternalId
  UNION ALL SELECT 1, Contact, 0, GroupId, AgentId, FromNumber, GroupId, NULL, SentAt, NULL FROM batch
  UNION ALL SELECT 1, Contact, 1, AgentId, AgentId, FromNumber, GroupId, NULL, SentAt, NULL FROM batch)
WHERE true ORDER BY 2, 3, 4
ON CONFLICT (OrganizationId, Contact, Kind, OwnerId) DO UPDATE SET AgentId = excluded.AgentId,
  FromNumber = excluded.FromNumber,
  GroupId = excluded.GroupId, InboxId = excluded.InboxId, SentAt = excluded.SentAt,
    ContactName = COALESCE(excluded.ContactName, ContactTexts.ContactName)
WHERE excluded.SentAt > ContactTexts.SentAt;")
printf '{"storedTexts": %d, "batch": 10000, "walBytesPerTextBefore": %d, "walBytesPerTextAfter": %d, ' \
  "$n" $(( b / 10000 )) $(( a / 10000 ))
printf '"dbBytesBefore": %d, "dbBytesAfter": %d}\n' "$(stat -c %s "$dir/before.db")" \
  "$(stat -c %s "$dir/after.db")"
