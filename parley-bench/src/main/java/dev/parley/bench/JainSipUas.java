package dev.parley.bench;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.DialogState;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A minimal JAIN-SIP (NIST RI 1.3) user agent server, the peer {@code bench/uas.sh} measures Parley's
 * {@code parley uas} against. Written the way a JAIN-SIP application is written: {@link SipFactory}
 * with the {@code gov.nist} path, a {@link SipStack} configured by properties, one UDP
 * {@link ListeningPoint}, a {@link SipListener} that answers through server transactions, automatic
 * dialog support on (the default), no added work.
 *
 * <ul>
 *   <li>INVITE: {@code getNewServerTransaction}, then 200 OK with a To tag, a Contact and an SDP
 *       answer (what SIPp's {@code uas} and {@code parley uas} send; no 180).
 *   <li>ACK: nothing to do (the dialog stops retransmitting the 200).
 *   <li>BYE: 200 OK on the in-dialog server transaction.
 *   <li>CANCEL: 200 OK, then 487 on the INVITE if it is still unanswered (it never is: the INVITE is
 *       answered at once).
 *   <li>OPTIONS and MESSAGE: 200 OK. Any other method: 405.
 * </ul>
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.parley.bench.JainSipUas [--listen HOST:PORT]
 * [--threads N]}. Prints {@code jain-sip uas: listening on udp:HOST:PORT} when ready and runs until
 * killed (SIGTERM/SIGINT stop the stack and print the call counters).
 *
 * <p>Stack properties, each set the way a tuned deployment would:
 *
 * <ul>
 *   <li>{@code gov.nist.javax.sip.THREAD_POOL_SIZE} = {@code --threads} (default 8): a fixed pool of
 *       UDP message-processing threads instead of the RI's default of one new thread per datagram.
 *   <li>{@code gov.nist.javax.sip.REENTRANT_LISTENER=true}: the listener is called from those
 *       threads concurrently, not one request at a time.
 *   <li>{@code gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE} / {@code SEND_UDP_BUFFER_SIZE}: the
 *       same size Parley's UDP sockets ask for ({@code TransportConfig.DEFAULT_UDP_SOCKET_BUFFER_SIZE});
 *       the RI's own default (65,536, doubled to 131,072) would give it smaller buffers than
 *       Parley.
 *   <li>Logging: {@code gov.nist.javax.sip.STACK_LOGGER} names the silent {@code StackLogger} of
 *       {@link JainSipLogging} (the default one needs log4j); {@code TRACE_LEVEL=0}, no message log
 *       file. No log4j.
 * </ul>
 */
public final class JainSipUas implements SipListener {
  /** The UDP socket buffers asked for: Parley's default, TransportConfig.DEFAULT_UDP_SOCKET_BUFFER_SIZE. */
  private static final String UDP_BUFFER = Integer.toString(2 * 1024 * 1024);


  private final SipProvider provider;
  private final MessageFactory messages;
  private final HeaderFactory headers;
  private final Address contact;
  private final byte[] sdp;

  private final AtomicLong invites = new AtomicLong();
  private final AtomicLong byes = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  private JainSipUas(SipProvider provider, MessageFactory messages, HeaderFactory headers,
      AddressFactory addresses, String host, int port) throws Exception {
    this.provider = provider;
    this.messages = messages;
    this.headers = headers;
    this.contact = addresses.createAddress("sip:uas@" + host + ":" + port);
    this.sdp = ("v=0\r\no=jainsip 1 1 IN IP4 " + host + "\r\ns=jain-sip uas\r\nc=IN IP4 " + host
        + "\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    int port = 5090;
    int threads = 8;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--listen" -> {
          String hp = args[++i];
          if (hp.startsWith("udp:")) {
            hp = hp.substring(4);
          }
          int colon = hp.lastIndexOf(':');
          host = hp.substring(0, colon);
          port = Integer.parseInt(hp.substring(colon + 1));
        }
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: JainSipUas [--listen [udp:]HOST:PORT] [--threads N]");
          System.exit(2);
        }
      }
    }

    JainSipLogging.install();
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    Properties p = new Properties();
    p.setProperty("javax.sip.STACK_NAME", "jain-sip-uas");
    p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(threads));
    p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", UDP_BUFFER);
    p.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", UDP_BUFFER);
    p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
    p.setProperty(JainSipLogging.STACK_LOGGER_PROPERTY, JainSipLogging.STACK_LOGGER_CLASS);
    SipStack stack = factory.createSipStack(p);
    ListeningPoint lp = stack.createListeningPoint(host, port, ListeningPoint.UDP);
    SipProvider provider = stack.createSipProvider(lp);
    JainSipUas uas = new JainSipUas(provider, factory.createMessageFactory(),
        factory.createHeaderFactory(), factory.createAddressFactory(), host, port);
    provider.addSipListener(uas);
    stack.start();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.stop();
      System.out.println("jain-sip uas: stopped after " + uas.invites.get() + " INVITEs answered, "
          + uas.byes.get() + " BYEs, " + uas.errors.get() + " errors");
      System.out.flush();
      stopped.countDown();
    }, "jain-sip-uas-shutdown"));
    System.out.println("jain-sip uas: listening on udp:" + host + ":" + port + " (" + threads
        + " threads)");
    System.out.flush();
    stopped.await();
  }

  @Override
  public void processRequest(RequestEvent event) {
    Request request = event.getRequest();
    String method = request.getMethod();
    try {
      if (Request.ACK.equals(method)) {
        return; // the dialog layer has stopped the 200 retransmissions
      }
      ServerTransaction st = event.getServerTransaction();
      if (st == null) {
        try {
          st = provider.getNewServerTransaction(request);
        } catch (TransactionAlreadyExistsException retransmission) {
          return; // the stack answers the retransmission from the existing transaction
        }
      }
      switch (method) {
        case Request.INVITE -> invite(st, request);
        case Request.BYE -> {
          byes.incrementAndGet();
          st.sendResponse(messages.createResponse(Response.OK, request));
        }
        case Request.CANCEL -> cancel(st, request);
        case Request.OPTIONS, Request.MESSAGE ->
            st.sendResponse(messages.createResponse(Response.OK, request));
        default -> st.sendResponse(messages.createResponse(Response.METHOD_NOT_ALLOWED, request));
      }
    } catch (Exception e) {
      errors.incrementAndGet();
    }
  }

  private void invite(ServerTransaction st, Request request) throws Exception {
    invites.incrementAndGet();
    Response ok = messages.createResponse(Response.OK, request);
    ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(Long.toHexString(ThreadLocalRandom.current().nextLong()));
    ContactHeader contactHeader = headers.createContactHeader(contact);
    ok.addHeader(contactHeader);
    ContentTypeHeader type = headers.createContentTypeHeader("application", "sdp");
    ok.setContent(sdp, type);
    st.sendResponse(ok);
  }

  private void cancel(ServerTransaction st, Request request) throws Exception {
    st.sendResponse(messages.createResponse(Response.OK, request));
    if (st instanceof gov.nist.javax.sip.stack.SIPServerTransaction nist) {
      gov.nist.javax.sip.stack.SIPServerTransaction invite = nist.getCanceledInviteTransaction();
      if (invite != null && invite.getDialog() != null
          && invite.getDialog().getState() != DialogState.CONFIRMED
          && invite.getState() == javax.sip.TransactionState.PROCEEDING) {
        invite.sendResponse(messages.createResponse(Response.REQUEST_TERMINATED,
            invite.getRequest()));
      }
    }
  }

  @Override public void processResponse(ResponseEvent event) {}
  @Override public void processTimeout(TimeoutEvent event) {}
  @Override public void processIOException(IOExceptionEvent event) {}
  @Override public void processTransactionTerminated(TransactionTerminatedEvent event) {}
  @Override public void processDialogTerminated(DialogTerminatedEvent event) {}
}
