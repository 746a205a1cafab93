-- Parley server schema, version 3: who sent each stored message, so that the per-sender quotas
-- of store-and-forward (issue 17: one sender, or the senders the server cannot vouch for, may
-- fill only a share of a mailbox) are rebuilt from the store at start.
-- Portable SQL as in V1 (SQLite and PostgreSQL): one column per ALTER TABLE, an INTEGER flag.

-- user:NAME (digest-authenticated), trusted:PREFIX or source:PREFIX (an IPv4 address or an IPv6
-- /64 prefix); NULL for messages stored before this version
ALTER TABLE offline_messages ADD COLUMN sender_key VARCHAR(320);
-- 1 when the server vouched for the sender (authenticated user or trusted source), else 0; the
-- messages stored before this version count as 1 (they keep their place, outside the share of
-- unauthenticated senders)
ALTER TABLE offline_messages ADD COLUMN sender_authenticated INTEGER DEFAULT 1 NOT NULL;
