package dev.parley.focus;

import dev.parley.dialog.DialogId;
import dev.parley.dialog.UserAgent;
import dev.parley.focus.internal.FocusCore;
import dev.parley.media.MediaNetworkConfig;
import dev.parley.sip.Address;
import dev.parley.sip.SipParseException;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.SipUri;
import dev.parley.transaction.ServerTransaction;
import dev.parley.transaction.TransactionLayer;
import dev.parley.transport.Inbound;
import dev.parley.transport.Scheduler;
import dev.parley.transport.TransportLayer;
import java.util.List;
import java.util.Objects;

/**
 * The conference focus (RFC 4579, {@code docs/conferences.md}): a user agent that lives inside a
 * server, on the server's transport and transaction layer. The server keeps authenticating and
 * routing; it hands the focus the requests whose Request-URI it {@link #handles} (the factory URI
 * {@code sip:conference@DOMAIN} and the conference URIs {@code sip:conf-ID@DOMAIN}, or the
 * focus's Contact on the server's own address), saying who it authenticated, and forwards the
 * ACKs, CANCELs and stray responses that belong to them.
 *
 * <p>Thread-safe. The request methods run on the server's event loops and never block.
 */
public final class Focus implements AutoCloseable {
  /** The user part prefix of every conference URI. */
  public static final String CONFERENCE_PREFIX = "conf-";
  /** The methods the focus takes. */
  public static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, REFER, SUBSCRIBE, NOTIFY";

  private final FocusConfig config;
  private final String domain;
  private final FocusCore core;
  private final UserAgent agent;

  private Focus(Builder b) {
    this.config = b.config;
    this.domain = b.domain;
    this.core = new FocusCore(b.domain, b.config, b.timers != null ? b.timers
        : b.transport.nextScheduler());
    this.agent = UserAgent.builder(b.transport).sharedTransactions(b.transactions)
        .contactUser(config.factoryUser()).advertisedHost(b.advertisedHost).handler(core).build();
    core.attach(agent);
    core.outbound(b.outbound);
    if (b.media != null) {
      core.media(b.media, b.mixThreads);
    } else if (config.audio()) {
      core.media(MediaNetworkConfig.builder().bindAddress(rtpAddress(b.transport, b.advertisedHost))
          .portRange(config.rtpMinPort(), config.rtpMaxPort()).build(), config.mixThreads());
    }
  }

  /**
   * A focus for {@code domain} on a server's {@code transport} and {@code transactions} (which
   * the server owns, starts and closes).
   */
  public static Builder builder(TransportLayer transport, TransactionLayer transactions,
      String domain) {
    return new Builder(transport, transactions, domain);
  }

  /**
   * Where RTP binds: the first listen point's address; for a wildcard one, the wildcard when an
   * advertised host names us to the outside, else loopback.
   */
  private static java.net.InetAddress rtpAddress(TransportLayer transport, String advertised) {
    java.net.InetAddress a = transport.listenPoints().get(0).address().getAddress();
    return !a.isAnyLocalAddress() || advertised != null ? a
        : java.net.InetAddress.getLoopbackAddress();
  }

  /** The conference factory URI, {@code sip:conference@DOMAIN}. */
  public SipUri factoryUri() {
    return SipUri.builder().user(config.factoryUser()).host(domain).build();
  }

  /**
   * Whether a request for {@code target} is the focus's: its user part is the factory user or
   * starts with {@value #CONFERENCE_PREFIX}. The server checks that the host is its domain or
   * one of its own addresses.
   */
  public boolean handles(SipUri target) {
    String user = target.userDecoded();
    return user != null && (user.equals(config.factoryUser()) || user.startsWith(CONFERENCE_PREFIX));
  }

  /**
   * A request for the focus ({@link #handles}): a new one (INVITE, SUBSCRIBE, REFER, OPTIONS)
   * or one inside a participant's dialog.
   *
   * @param authenticatedUser the user of the domain the server authenticated the sender as, or
   *     null (a guest, or an in-dialog request, which its dialog vouches for)
   */
  public void onRequest(ServerTransaction tx, SipRequest request, String authenticatedUser) {
    core.admit(tx, request, authenticatedUser);
  }

  /** An ACK for a 2xx the focus sent (its Request-URI is a focus URI). */
  public void onAck(SipRequest ack, Inbound inbound) {
    agent.onAck(ack, inbound);
  }

  /** A CANCEL for an INVITE the focus was handed (whatever the CANCEL's Request-URI). */
  public void onCancel(ServerTransaction invite, SipRequest cancel) {
    agent.onCancel(invite, cancel);
  }

  /**
   * Whether a response that matched no transaction is the focus's: a 2xx to an INVITE, with
   * only the server's Via, of a dialog the focus set up by dialling out (a 2xx that comes again
   * after the INVITE's transaction has ended, whose ACK the focus sends again, RFC 3261
   * §13.2.2.4). The focus takes no other stray; the server's proxy gets those. False for a
   * response whose Via, From, To, Call-ID or CSeq is missing or does not parse.
   */
  public boolean ownsStrayResponse(SipResponse response) {
    if (!response.isSuccess()) {
      return false;
    }
    try {
      Address from = response.from();
      Address to = response.to();
      return response.cseq() != null && response.cseq().method().isInvite()
          && response.vias().size() == 1 && response.callId() != null
          && from != null && from.tag() != null && to != null && to.tag() != null
          && core.hasDialog(new DialogId(response.callId(), from.tag(), to.tag()));
    } catch (SipParseException e) { // not a response to anything the focus sent
      return false;
    }
  }

  /** A stray response the focus {@linkplain #ownsStrayResponse owns}. */
  public void onStrayResponse(SipResponse response, Inbound inbound) {
    agent.onStrayResponse(response, inbound);
  }

  /** Snapshots of the conferences now, for the status page. */
  public List<ConferenceView> conferences() {
    return core.views();
  }

  /** Dialogs of the focus's user agent (participants' legs, early ones included). */
  public int dialogCount() {
    return agent.dialogCount();
  }

  /**
   * Subscriptions of the focus's user agent now: roster subscriptions and the implicit ones of
   * the REFERs it accepted, until they end or expire.
   */
  public int subscriptionCount() {
    return agent.subscriptionCount();
  }

  /** Ends every conference (BYE on each leg, not waited for). */
  @Override
  public void close() {
    core.close();
  }

  /** Builds a {@link Focus}; not thread-safe. */
  public static final class Builder {
    private final TransportLayer transport;
    private final TransactionLayer transactions;
    private final String domain;
    private FocusConfig config = FocusConfig.defaults();
    private Scheduler timers;
    private Outbound outbound;
    private String advertisedHost;
    private MediaNetworkConfig media;
    private int mixThreads = 2;

    private Builder(TransportLayer transport, TransactionLayer transactions, String domain) {
      this.transport = Objects.requireNonNull(transport, "transport");
      this.transactions = Objects.requireNonNull(transactions, "transactions");
      this.domain = Objects.requireNonNull(domain, "domain");
      if (domain.isBlank()) {
        throw new IllegalArgumentException("domain is empty");
      }
    }

    public Builder config(FocusConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Where the focus's own timers run (idle conferences); default: a transport event loop. */
    public Builder timers(Scheduler timers) {
      this.timers = Objects.requireNonNull(timers, "timers");
      return this;
    }

    /**
     * The host the focus writes in its Contact and SDP (a public address or name, needed when the
     * server listens on a wildcard address); default: the listen point's address, loopback for a
     * wildcard one.
     */
    public Builder advertisedHost(String host) {
      this.advertisedHost = host;
      return this;
    }

    /** How the focus sends the requests it starts (dial-out); none: a REFER to dial out gets 501. */
    public Builder outbound(Outbound outbound) {
      this.outbound = Objects.requireNonNull(outbound, "outbound");
      return this;
    }

    /**
     * Mixes audio: RTP sockets from {@code network} (its port range and bind address; the SDP
     * gives the address the sockets are bound to), mixing on {@code mixThreads} media workers
     * (1..64). Both start with the first audio leg. Default: from the {@link FocusConfig} (its
     * port range, bound to the first listen point's address), unless its audio is off.
     */
    public Builder audio(MediaNetworkConfig network, int mixThreads) {
      this.media = Objects.requireNonNull(network, "network");
      if (mixThreads < 1 || mixThreads > 64) {
        throw new IllegalArgumentException("mixThreads out of range 1..64: " + mixThreads);
      }
      this.mixThreads = mixThreads;
      return this;
    }

    public Focus build() {
      return new Focus(this);
    }
  }
}
