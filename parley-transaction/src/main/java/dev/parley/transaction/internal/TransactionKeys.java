package dev.parley.transaction.internal;

import dev.parley.sip.Address;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.Via;

/**
 * The keys of the layer's tables: how RFC 3261 §17.1.3 and §17.2.3 name a transaction, and how
 * §8.2.2.2 spots a merged request. Keys are values (records) so that they work in concurrent maps.
 */
final class TransactionKeys {
  private TransactionKeys() {}

  /**
   * A client transaction (§17.1.3): the branch of the top Via and the CSeq method. Branches
   * compare case-insensitively, as parameter values do unless stated otherwise (§7.3.1). The
   * branch is kept as given (the transaction's own string, not a lower-cased copy: a
   * {@code z9hG4bK} branch always has capitals, and the copy would linger with the key for
   * Timer D's 32 s); the hash folds case instead.
   */
  static final class ClientKey {
    private final String branch;
    private final String method;
    private final int hash;

    ClientKey(String branch, String method) {
      this.branch = branch;
      this.method = method;
      this.hash = caseInsensitiveHash(branch) * 31 + method.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ClientKey k && k.hash == hash && k.method.equals(method)
          && k.branch.equalsIgnoreCase(branch);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return "ClientKey[" + branch + ", " + method + "]";
    }
  }

  /**
   * A server transaction for a request with an RFC 3261 branch (§17.2.3): branch, sent-by and
   * method, where an ACK takes the method INVITE. Branch and host compare case-insensitively
   * (§7.3.1, §19.1.4) without lower-case copies: one key is made per request, and the branch
   * always has an upper-case letter (the cookie's K).
   */
  static final class ServerKey {
    private final String branch;
    private final String sentByHost;
    private final int sentByPort;
    private final String method;
    private final int hash;

    ServerKey(String branch, String sentByHost, int sentByPort, String method) {
      this.branch = branch;
      this.sentByHost = sentByHost;
      this.sentByPort = sentByPort;
      this.method = method;
      this.hash = ((caseInsensitiveHash(branch) * 31 + caseInsensitiveHash(sentByHost)) * 31
          + sentByPort) * 31 + method.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ServerKey k && k.hash == hash && k.sentByPort == sentByPort
          && k.method.equals(method) && k.branch.equalsIgnoreCase(branch)
          && k.sentByHost.equalsIgnoreCase(sentByHost);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return "ServerKey[" + branch + ", " + sentByHost + ":" + sentByPort + ", " + method + "]";
    }
  }

  /** A hash equal for strings that are {@link String#equalsIgnoreCase} (ASCII letters folded). */
  static int caseInsensitiveHash(String s) {
    int h = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      } else if (c >= 0x80) {
        c = Character.toLowerCase(Character.toUpperCase(c));
      }
      h = 31 * h + c;
    }
    return h;
  }

  /**
   * A server transaction for an RFC 2543 request, without the magic cookie (§17.2.3): Request-URI,
   * From tag, Call-ID, CSeq number and method (ACK and CANCEL looking for INVITE), and the top
   * Via. The To tag is checked separately, since the ACK's is the one the server chose.
   */
  record LegacyKey(String requestUri, String fromTag, String callId, long cseq, String method,
      Via topVia) {}

  /** A request without To tag, for merged-request detection (§8.2.2.2): From tag, Call-ID, CSeq. */
  record MergeKey(String fromTag, String callId, long cseq, String method) {}

  static ClientKey client(String branch, SipMethod method) {
    return new ClientKey(branch, method.name());
  }

  /**
   * The server-side key of {@code request} looked up as a transaction created by a request of
   * {@code method} (the request's own, or INVITE for an ACK or a CANCEL).
   */
  static Object server(SipRequest request, SipMethod method) {
    Via via = request.topVia();
    if (via.hasRfc3261Branch()) {
      return new ServerKey(via.branch(), via.host(), via.port(), method.name());
    }
    Address from = request.from();
    return new LegacyKey(request.requestUri().toString(), from.tag(), request.callId(),
        request.cseq().sequence(), method.name(), via);
  }

  static MergeKey merge(SipRequest request) {
    return new MergeKey(request.from().tag(), request.callId(), request.cseq().sequence(),
        request.method().name());
  }
}
