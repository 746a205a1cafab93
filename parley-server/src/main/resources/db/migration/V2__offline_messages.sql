-- Parley server schema, version 2: pager-mode MESSAGE requests stored for users who are offline
-- (RFC 3428 store-and-forward), delivered in id order when the user registers again.
-- Portable SQL as in V1. ${binary} is a Flyway placeholder for the binary column type: BLOB for
-- SQLite (set by SqlStore), BYTEA for PostgreSQL.

-- Ids are handed out from this counter in the inserting transaction (no AUTOINCREMENT/SERIAL,
-- which are not portable); they give the delivery order.
CREATE TABLE offline_message_ids (
  id      INTEGER NOT NULL PRIMARY KEY,
  next_id BIGINT  NOT NULL
);
INSERT INTO offline_message_ids (id, next_id) VALUES (1, 1);

CREATE TABLE offline_messages (
  id           BIGINT        NOT NULL PRIMARY KEY,
  domain       VARCHAR(255)  NOT NULL,
  username     VARCHAR(255)  NOT NULL,
  from_header  VARCHAR(4096) NOT NULL,
  to_header    VARCHAR(4096) NOT NULL,
  call_id      VARCHAR(1024) NOT NULL,
  cseq         BIGINT        NOT NULL,
  content_type VARCHAR(1024),
  body         ${binary}     NOT NULL,
  body_size    INTEGER       NOT NULL,
  received_at  BIGINT        NOT NULL,
  attempts     INTEGER       NOT NULL
);
-- pending messages of a user, in order
CREATE INDEX offline_messages_recipient ON offline_messages (domain, username, id);
-- a MESSAGE retried in a new transaction (same Call-ID and CSeq) is stored once
CREATE UNIQUE INDEX offline_messages_request ON offline_messages (domain, username, call_id, cseq);
-- expiry
CREATE INDEX offline_messages_received_at ON offline_messages (received_at);
