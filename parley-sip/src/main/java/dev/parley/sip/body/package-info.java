/**
 * Message bodies and header values of conferences and call transfer, beside the SIP codec:
 * conference-info (RFC 4575) with the subscriber's roster, CPIM (RFC 3862), message/sipfrag
 * (RFC 3420) and Parley's IM delivery results. JDK only, no I/O; values are immutable and
 * parsers bounded, failing with exceptions that name what is wrong.
 */
package dev.parley.sip.body;
