/**
 * Media: RTP and RTCP (RFC 3550), audio codecs, the jitter buffer, and the sources and sinks of
 * 20 ms PCM frames. Knows SDP, never SIP. RTP sockets run on the media layer's own Netty event
 * loops, never on the SIP loops; encoding, decoding and application sources and sinks run off
 * the loops (docs/media.md).
 */
package dev.parley.media;
