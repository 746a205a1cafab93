/**
 * The transaction layer's implementation: the four RFC 3261 §17 state machines (with RFC 6026),
 * the matching tables, and the helpers that build the messages the layer sends on its own.
 * Not an API: types here may change without notice.
 */
package dev.parley.transaction.internal;
