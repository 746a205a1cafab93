/**
 * The SIP transaction layer (RFC 3261 §17, with the INVITE fixes of RFC 6026): client and server
 * transactions, their retransmission and timeout timers, request and response matching, and the
 * CANCEL handling of RFC 3261 §9.
 *
 * <p>Build a {@link dev.parley.transaction.TransactionLayer} over a
 * {@link dev.parley.transport.TransportLayer}, give it a {@link dev.parley.transaction.TransactionUser}
 * (the dialog layer, a proxy core) and install it as the transport's listener. Every transaction
 * lives on one {@link dev.parley.transport.Scheduler}; callbacks run there and must not block.
 */
package dev.parley.transaction;
