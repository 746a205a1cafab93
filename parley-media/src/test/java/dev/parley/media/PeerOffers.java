package dev.parley.media;

/**
 * SDP offers as real peers send them (their shape as captured from baresip 1.0, linphonec 5.1,
 * SIPp 3.6's uac_pcap scenario and a browser's WebRTC stack; addresses and ids changed), for the
 * negotiation tests. Lines end in LF as in a text editor; the parser accepts that.
 */
final class PeerOffers {
  private PeerOffers() {}

  /** baresip with Opus and G.711: rtcp-mux, a=ptime, telephone-event at 8 kHz only. */
  static final String BARESIP = """
      v=0
      o=- 1601474583 3386216416 IN IP4 192.0.2.7
      s=-
      c=IN IP4 192.0.2.7
      t=0 0
      m=audio 10054 RTP/AVP 96 0 8 101
      b=AS:128
      a=rtpmap:96 opus/48000/2
      a=fmtp:96 stereo=1;sprop-stereo=1
      a=rtpmap:0 PCMU/8000
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=sendrecv
      a=label:1
      a=ssrc:2112547937 cname:sip:alice@192.0.2.7
      a=rtcp-rsize
      a=rtcp-mux
      a=ptime:20
      """;

  /** linphonec: speex and G.729 we lack, telephone-event at three rates, a=rtcp, a video line. */
  static final String LINPHONE = """
      v=0
      o=bob 1825 1466 IN IP4 198.51.100.20
      s=Talk
      c=IN IP4 198.51.100.20
      t=0 0
      a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
      m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100
      a=rtpmap:96 opus/48000/2
      a=fmtp:96 useinbandfec=1
      a=rtpmap:97 speex/16000
      a=fmtp:97 vbr=on
      a=rtpmap:98 speex/8000
      a=fmtp:98 vbr=on
      a=fmtp:18 annexb=yes
      a=rtpmap:101 telephone-event/48000
      a=rtpmap:99 telephone-event/16000
      a=rtpmap:100 telephone-event/8000
      a=rtcp:7079
      a=rtcp-fb:* trr-int 1000
      a=rtcp-fb:* ccm tmmbr
      m=video 9078 RTP/AVP 96 97
      a=rtpmap:96 VP8/90000
      a=rtpmap:97 H264/90000
      a=fmtp:97 profile-level-id=42801F
      a=rtcp:9079
      a=rtcp-fb:* trr-int 1000
      """;

  /** SIPp's uac_pcap scenario: PCMA and telephone-event 0-11,16, no direction, no a=rtcp. */
  static final String SIPP_UAC_PCAP = """
      v=0
      o=user1 53655765 2353687637 IN IP4 203.0.113.5
      s=-
      c=IN IP4 203.0.113.5
      t=0 0
      m=audio 6000 RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-11,16
      """;

  /** SIPp's built-in uac: a static payload type with no rtpmap at all. */
  static final String SIPP_UAC = """
      v=0
      o=user1 53655765 2353687637 IN IP4 203.0.113.5
      s=-
      c=IN IP4 203.0.113.5
      t=0 0
      m=audio 6000 RTP/AVP 0
      """;

  /** A browser: DTLS-SRTP over ICE (UDP/TLS/RTP/SAVPF), which Parley does not do yet. */
  static final String WEBRTC = """
      v=0
      o=- 4611731400430051336 2 IN IP4 127.0.0.1
      s=-
      t=0 0
      a=group:BUNDLE 0
      a=msid-semantic: WMS
      m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 126
      c=IN IP4 0.0.0.0
      a=rtcp:9 IN IP4 0.0.0.0
      a=ice-ufrag:EsAw
      a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1
      a=fingerprint:sha-256 D1:2C:BE:AD:C4:F6:64:5C:25:16:11:9C:AF:E7:0F:73:79:36:4E:9C:1E:15:54:39:0C:06:8B:ED:96:86:00:39
      a=setup:actpass
      a=mid:0
      a=sendrecv
      a=rtcp-mux
      a=rtpmap:111 opus/48000/2
      a=fmtp:111 minptime=10;useinbandfec=1
      a=rtpmap:0 PCMU/8000
      a=rtpmap:8 PCMA/8000
      a=rtpmap:126 telephone-event/8000
      """;
}
