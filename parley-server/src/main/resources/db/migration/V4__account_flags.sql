-- Parley server schema, version 4: account flags for the web admin page (issue 14).
-- admin: may sign in to /admin; disabled: refused at digest authentication (403).
-- Portable SQL (SQLite and PostgreSQL): INTEGER 0/1 for booleans.

ALTER TABLE accounts ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
