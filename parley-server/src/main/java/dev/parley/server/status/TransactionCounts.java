package dev.parley.server.status;

/**
 * How many SIP transactions the server's transaction layer holds at one moment, for status
 * pages and leak checks.
 *
 * @param client live client transactions (requests the proxy forwarded)
 * @param server live server transactions (requests received)
 */
public record TransactionCounts(int client, int server) {}
