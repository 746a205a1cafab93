-- Parley server schema, version 1: accounts and registrar bindings.
-- Portable SQL (SQLite and PostgreSQL): VARCHAR, INTEGER, BIGINT only; no AUTOINCREMENT/SERIAL,
-- no DB-specific types or functions. Times are milliseconds since the epoch (UTC).

CREATE TABLE accounts (
  domain         VARCHAR(255) NOT NULL,
  username       VARCHAR(255) NOT NULL,
  ha1_md5        VARCHAR(32)  NOT NULL,
  ha1_sha256     VARCHAR(64)  NOT NULL,
  ha1_sha512_256 VARCHAR(64)  NOT NULL,
  created_at     BIGINT       NOT NULL,
  updated_at     BIGINT       NOT NULL,
  PRIMARY KEY (domain, username)
);

-- Bumped in the same transaction as every change to accounts, so a running server notices
-- changes made by `parley user` in another process with one cheap query.
CREATE TABLE account_changes (
  id      INTEGER NOT NULL PRIMARY KEY,
  version BIGINT  NOT NULL
);
INSERT INTO account_changes (id, version) VALUES (1, 0);

-- One row per registered contact (RFC 3261 §10), written behind in batches by the server.
CREATE TABLE bindings (
  domain        VARCHAR(255)  NOT NULL,
  username      VARCHAR(255)  NOT NULL,
  binding_key   VARCHAR(2048) NOT NULL,
  contact       VARCHAR(4096) NOT NULL,
  expires_at    BIGINT        NOT NULL,
  q_millis      INTEGER       NOT NULL,
  call_id       VARCHAR(255)  NOT NULL,
  cseq          BIGINT        NOT NULL,
  path          VARCHAR(4096),
  instance_id   VARCHAR(255),
  reg_id        INTEGER       NOT NULL,
  source        VARCHAR(255),
  user_agent    VARCHAR(255),
  registered_at BIGINT        NOT NULL,
  PRIMARY KEY (domain, username, binding_key)
);
CREATE INDEX bindings_expires_at ON bindings (expires_at);

CREATE TABLE settings (
  name  VARCHAR(64)   NOT NULL PRIMARY KEY,
  value VARCHAR(1024) NOT NULL
);
