package dev.parley.transport;

/**
 * The connection counters of a transport layer: how many are open now and, since start, how
 * many were refused or closed by each of the limits of {@link TransportConfig}.
 *
 * @param open connections open now, inbound and outbound
 * @param refusedPerAddress accepted connections closed at once: their address held
 *     {@link TransportConfig#maxConnectionsPerAddress()}
 * @param refusedFull accepted connections closed at once: {@link TransportConfig#maxConnections()}
 *     were open and their address already held its share
 * @param evicted connections closed to make room for one from an address holding fewer
 * @param firstMessageTimeouts connections closed without a first message (or WebSocket upgrade)
 *     within {@link TransportConfig#firstMessageTimeout()}
 * @param messageTimeouts connections closed because a message took longer than
 *     {@link TransportConfig#messageTimeout()} to arrive
 * @param idleTimeouts connections closed after {@link TransportConfig#idleTimeout()} of silence
 */
public record ConnectionStats(int open, long refusedPerAddress, long refusedFull, long evicted,
    long firstMessageTimeouts, long messageTimeouts, long idleTimeouts) {}
