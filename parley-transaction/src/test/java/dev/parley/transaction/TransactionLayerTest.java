package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.HeaderName;
import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.sip.Via;
import dev.parley.transaction.internal.TransactionProbe;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class TransactionLayerTest {
  private final Stack stack = new Stack();
  private final Recorders.Listener listener = new Recorders.Listener();

  private List<Integer> sentStatuses() {
    return stack.transport.sentResponses().stream().map(SipResponse::statusCode).toList();
  }

  // ------------------------------------------------------------------ Via and sending

  @Test
  void sendRequestPrependsViaWithHopTransportSentByFreshBranchAndRport() {
    Set<String> branches = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      ClientTransaction tx = stack.layer.sendRequest(Messages.request(SipMethod.OPTIONS), Stack.UDP_PEER, listener);
      branches.add(tx.branch());
    }
    SipRequest sent = stack.transport.sentRequests().get(0);
    Via via = sent.topVia();
    assertThat(via.transport()).isEqualTo("UDP");
    assertThat(via.host()).isEqualTo("127.0.0.1");
    assertThat(via.port()).isEqualTo(5060);
    assertThat(via.hasRfc3261Branch()).isTrue();
    assertThat(via.hasRport()).isTrue();
    assertThat(sent.vias()).hasSize(1);
    assertThat(branches).hasSize(1_000);
    assertThat(stack.layer.clientCount()).isEqualTo(1_000);
  }

  @Test
  void clientTransactionBranchIsTheOneInTheViaItSent() {
    ClientTransaction invite = stack.layer.sendRequest(Messages.request(SipMethod.INVITE), Stack.UDP_PEER, listener);
    ClientTransaction options = stack.layer.sendRequest(Messages.request(SipMethod.OPTIONS), Stack.TCP_PEER, listener);
    List<SipRequest> sent = stack.transport.sentRequests();
    assertThat(invite.branch()).isEqualTo(sent.get(0).topVia().branch())
        .isEqualTo(invite.request().topVia().branch());
    assertThat(options.branch()).isEqualTo(sent.get(1).topVia().branch());
  }

  @Test
  void sendRequestKeepsExistingViasBelowItsOwn() {
    SipRequest forwarded = Messages.withVia(Messages.request(SipMethod.OPTIONS),
        "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-upstream");
    stack.layer.sendRequest(forwarded, Stack.TCP_PEER, listener);
    SipRequest sent = stack.transport.lastSent().request();
    assertThat(sent.vias()).hasSize(2);
    assertThat(sent.topVia().transport()).isEqualTo("TCP");
    assertThat(sent.vias().get(1).branch()).isEqualTo("z9hG4bK-upstream");
  }

  @Test
  void sendRequestRefusesAckAndCancel() {
    assertThatThrownBy(() -> stack.layer.sendRequest(Messages.request(SipMethod.ACK), Stack.UDP_PEER, listener))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sendAck");
    assertThatThrownBy(() -> stack.layer.sendRequest(Messages.request(SipMethod.CANCEL), Stack.UDP_PEER, listener))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cancel");
  }

  @Test
  void sendAckGetsItsOwnBranchAndNoTransaction() {
    ClientTransaction invite = stack.layer.sendRequest(Messages.request(SipMethod.INVITE), Stack.UDP_PEER, listener);
    SipResponse ok = Messages.response(invite.request(), 200);
    stack.transport.receive(ok, stack.udpFlow());
    stack.layer.sendAck(Messages.ackFor2xx(invite.request(), ok), Stack.UDP_PEER);
    SipRequest ack = stack.transport.lastSent().request();
    assertThat(ack.method()).isEqualTo(SipMethod.ACK);
    assertThat(ack.topVia().hasRfc3261Branch()).isTrue();
    assertThat(ack.topVia().branch()).isNotEqualTo(invite.branch());
    assertThat(stack.layer.clientCount()).as("only the INVITE").isOne();
  }

  // ------------------------------------------------------------------ CANCEL, server side (§9.2)

  @Test
  void cancelMatchingInviteGets200AndTuAnswers487() {
    stack.user.onCancel = (tx, cancel) -> tx.respond(Messages.response(tx.request(), 487));
    SipRequest invite = Messages.incoming(SipMethod.INVITE, "z9hG4bK-c1");
    stack.transport.receive(invite, stack.udpFlow());
    SipResponse ringing = Messages.response(invite, 180, "callee");
    stack.user.last().respond(ringing);
    stack.transport.receive(Messages.cancelFor(invite), stack.udpFlow());

    assertThat(sentStatuses()).containsExactly(180, 200, 487);
    SipResponse cancelOk = stack.transport.sentResponses().get(1);
    assertThat(cancelOk.cseq().method()).isEqualTo(SipMethod.CANCEL);
    assertThat(cancelOk.to().tag()).as("same To tag as the INVITE's responses").isEqualTo("callee");
    assertThat(stack.user.cancels).hasSize(1);
    assertThat(stack.user.requests).as("the CANCEL is the layer's").containsExactly(invite);

    SipResponse terminated = stack.transport.sentResponses().get(2);
    stack.transport.receive(Messages.ackForNon2xx(invite, terminated), stack.udpFlow());
    stack.transport.receive(Messages.cancelFor(invite), stack.udpFlow());
    assertThat(sentStatuses()).as("a retransmitted CANCEL gets its 200 again").containsExactly(180, 200, 487, 200);
    assertThat(stack.user.cancels).hasSize(1);
    stack.assertDrainsToIdle();
    assertThat(stack.user.terminated).as("only the INVITE is the TU's").hasSize(1);
  }

  @Test
  void cancelMatchingNothingGets481() {
    stack.transport.receive(Messages.cancelFor(Messages.incoming(SipMethod.INVITE, "z9hG4bK-none")),
        stack.udpFlow());
    assertThat(sentStatuses()).containsExactly(481);
    assertThat(stack.user.cancels).isEmpty();
    assertThat(stack.user.requests).isEmpty();
    stack.assertDrainsToIdle();
  }

  @Test
  void cancelAfterTheFinalResponseGets200ButDoesNotReachTu() {
    SipRequest invite = Messages.incoming(SipMethod.INVITE, "z9hG4bK-c2");
    stack.transport.receive(invite, stack.udpFlow());
    stack.user.last().respond(Messages.response(invite, 200));
    stack.transport.receive(Messages.cancelFor(invite), stack.udpFlow());
    assertThat(sentStatuses()).containsExactly(200, 200);
    assertThat(stack.user.cancels).isEmpty();
  }

  // ------------------------------------------------------------------ CANCEL, client side (§9.1)

  @Test
  void clientCancelWaitsForAProvisionalResponse() throws Exception {
    ClientTransaction invite = stack.layer.sendRequest(Messages.request(SipMethod.INVITE), Stack.UDP_PEER, listener);
    CompletableFuture<SipResponse> result = stack.layer.cancel(invite, "SIP;cause=200;text=\"Call completed elsewhere\"");
    stack.advance(1_000);
    assertThat(stack.transport.sentRequests()).extracting(SipRequest::method)
        .containsOnly(SipMethod.INVITE);

    stack.transport.receive(Messages.response(invite.request(), 180), stack.udpFlow());
    SipRequest cancel = stack.transport.lastSent().request();
    SipRequest sentInvite = invite.request();
    assertThat(cancel.method()).isEqualTo(SipMethod.CANCEL);
    assertThat(stack.transport.lastSent().hop()).isEqualTo(Stack.UDP_PEER);
    assertThat(cancel.requestUri()).isEqualTo(sentInvite.requestUri());
    assertThat(cancel.vias()).containsExactly(sentInvite.topVia());
    assertThat(cancel.callId()).isEqualTo(sentInvite.callId());
    assertThat(cancel.from()).isEqualTo(sentInvite.from());
    assertThat(cancel.to()).isEqualTo(sentInvite.to());
    assertThat(cancel.cseq().sequence()).isEqualTo(sentInvite.cseq().sequence());
    assertThat(cancel.cseq().method()).isEqualTo(SipMethod.CANCEL);
    assertThat(cancel.headers().values(HeaderName.ROUTE)).isEqualTo(sentInvite.headers().values(HeaderName.ROUTE));
    assertThat(cancel.headers().get(HeaderName.REASON)).startsWith("SIP;cause=200");

    stack.transport.receive(Messages.response(cancel, 200), stack.udpFlow());
    assertThat(result.get().statusCode()).isEqualTo(200);
    stack.transport.receive(Messages.response(sentInvite, 487), stack.udpFlow());
    assertThat(listener.statuses()).containsExactly(180, 487);
    assertThat(stack.transport.lastSent().request().method()).isEqualTo(SipMethod.ACK);
    stack.assertDrainsToIdle();
  }

  @Test
  void clientCancelIsNotSentOnceTheInviteHasAFinalResponse() {
    ClientTransaction invite = stack.layer.sendRequest(Messages.request(SipMethod.INVITE), Stack.UDP_PEER, listener);
    CompletableFuture<SipResponse> result = stack.layer.cancel(invite);
    stack.transport.receive(Messages.response(invite.request(), 200), stack.udpFlow());
    assertThat(result).isCompletedExceptionally();
    assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(stack.layer.cancel(invite)).isCompletedExceptionally();
    assertThat(stack.transport.sentRequests()).extracting(SipRequest::method).containsOnly(SipMethod.INVITE);
  }

  @Test
  void cancelledInviteGivesUpAfter64T1WithoutAFinalResponse() {
    ClientTransaction invite = stack.layer.sendRequest(Messages.request(SipMethod.INVITE), Stack.TCP_PEER, listener);
    stack.transport.receive(Messages.response(invite.request(), 180), stack.tcpFlow());
    stack.advance(10_000);
    stack.layer.cancel(invite);
    stack.advance(31_999);
    assertThat(listener.timeouts).isZero();
    stack.advance(1);
    assertThat(listener.timeouts).as("RFC 3261 §9.1").isOne();
    stack.assertIdle();
  }

  @Test
  void cancelRefusesANonInviteTransaction() {
    ClientTransaction options = stack.layer.sendRequest(Messages.request(SipMethod.OPTIONS), Stack.UDP_PEER, listener);
    assertThatThrownBy(() -> stack.layer.cancel(options)).isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ merged requests (§8.2.2.2)

  @Test
  void mergedRequestGets482() {
    SipRequest first = Messages.incoming(SipMethod.INVITE, "z9hG4bK-path1", "merged@peer", "ft", 7);
    SipRequest second = Messages.withVia(
        Messages.request(SipMethod.INVITE, "merged@peer", "ft", 7),
        "SIP/2.0/UDP 192.0.2.11:5060;branch=z9hG4bK-path2");
    stack.transport.receive(first, stack.udpFlow());
    stack.transport.receive(second, stack.udpFlow());
    assertThat(stack.user.requests).containsExactly(first);
    assertThat(sentStatuses()).containsExactly(482);
    SipResponse loop = stack.transport.lastSent().response();
    assertThat(loop.topVia().branch()).isEqualTo("z9hG4bK-path2");
    stack.transport.receive(Messages.ackForNon2xx(second, loop), stack.udpFlow());
    assertThat(stack.user.acks).isEmpty();
    stack.user.last().respond(Messages.response(first, 486));
    stack.assertDrainsToIdle();
  }

  @Test
  void mergedRequestsPassWhenTheProxySwitchIsOff() {
    Stack proxy = new Stack(TransactionConfig.builder().rejectMergedRequests(false).build());
    proxy.transport.receive(Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-p1", "m@peer", "ft", 1), proxy.udpFlow());
    proxy.transport.receive(Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-p2", "m@peer", "ft", 1), proxy.udpFlow());
    assertThat(proxy.user.requests).hasSize(2);
    assertThat(proxy.transport.sentCount()).isZero();
  }

  @Test
  void aLayerThatLetsMergedRequestsPassKeepsNoMergeKeyPerTransaction() {
    Stack proxy = new Stack(TransactionConfig.builder().rejectMergedRequests(false).build());
    proxy.transport.receive(Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-nokey", "k@peer", "ft", 1),
        proxy.udpFlow());
    stack.transport.receive(Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-key", "k@peer", "ft", 1),
        stack.udpFlow());

    assertThat(TransactionProbe.keepsMergeKey(proxy.user.last())).isFalse();
    assertThat(TransactionProbe.keepsMergeKey(stack.user.last())).as("a UAS's layer").isTrue();
  }

  // ------------------------------------------------------------------ stray messages

  @Test
  void strayResponseGoesToTu() {
    SipRequest invite = Messages.incoming(SipMethod.INVITE, "z9hG4bK-unknown");
    stack.transport.receive(Messages.response(invite, 200), stack.udpFlow());
    assertThat(stack.user.strays).hasSize(1);
    assertThat(stack.transport.sentCount()).isZero();
    stack.assertIdle();
  }

  @Test
  void responseWithTheSameBranchButAnotherMethodIsStray() {
    ClientTransaction tx = stack.layer.sendRequest(Messages.request(SipMethod.INVITE), Stack.UDP_PEER, listener);
    SipRequest asCancel = tx.request().toBuilder().method(SipMethod.CANCEL)
        .setHeader(HeaderName.CSEQ, tx.request().cseq().sequence() + " CANCEL").build();
    stack.transport.receive(Messages.response(asCancel, 200), stack.udpFlow());
    assertThat(listener.responses).isEmpty();
    assertThat(stack.user.strays).hasSize(1);
  }

  @Test
  void ackFor2xxMatchesNoTransactionAndGoesToTu() {
    SipRequest invite = Messages.incoming(SipMethod.INVITE, "z9hG4bK-i");
    stack.transport.receive(invite, stack.udpFlow());
    SipResponse ok = Messages.response(invite, 200);
    stack.user.last().respond(ok);
    SipRequest ack = Messages.withVia(Messages.ackFor2xx(invite, ok), "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-a");
    stack.transport.receive(ack, stack.udpFlow());
    stack.advance(40_000);
    stack.transport.receive(ack, stack.udpFlow());
    assertThat(stack.user.acks).hasSize(2);
    stack.assertIdle();
  }

  // ------------------------------------------------------------------ RFC 2543 matching (§17.2.3)

  @Test
  void rfc2543RequestsMatchWithoutMagicCookie() {
    SipRequest invite = Messages.incoming(SipMethod.INVITE, null, "old@peer", "oldtag", 1);
    stack.transport.receive(invite, stack.udpFlow());
    stack.transport.receive(invite, stack.udpFlow());
    assertThat(stack.user.requests).as("retransmission matched by Request-URI, tags, Call-ID, CSeq, Via")
        .hasSize(1);
    SipResponse busy = Messages.response(invite, 486, "uas");
    stack.user.last().respond(busy);
    stack.advance(600);
    stack.transport.receive(Messages.ackForNon2xx(invite, busy), stack.udpFlow());
    stack.advance(10_000);
    assertThat(stack.transport.sentTimes(m -> m instanceof SipResponse r && r.statusCode() == 486))
        .as("the ACK matched and stopped Timer G").containsExactly(0L, 500L);
    assertThat(stack.user.acks).isEmpty();

    SipRequest next = Messages.incoming(SipMethod.INVITE, null, "old@peer", "oldtag", 2);
    stack.transport.receive(next, stack.udpFlow());
    assertThat(stack.user.requests).as("another CSeq is another transaction").hasSize(2);
  }

  @Test
  void rfc2543AckWithAnotherToTagDoesNotMatch() {
    SipRequest invite = Messages.incoming(SipMethod.INVITE, null, "old2@peer", "oldtag", 1);
    stack.transport.receive(invite, stack.udpFlow());
    SipResponse busy = Messages.response(invite, 486, "uas");
    stack.user.last().respond(busy);
    stack.transport.receive(Messages.ackForNon2xx(invite, Messages.response(invite, 486, "someone-else")),
        stack.udpFlow());
    assertThat(stack.user.acks).hasSize(1);
  }

  @Test
  void rfc2543CancelMatchesTheInvite() {
    SipRequest invite = Messages.incoming(SipMethod.INVITE, null, "old3@peer", "oldtag", 1);
    stack.transport.receive(invite, stack.udpFlow());
    stack.transport.receive(Messages.cancelFor(invite), stack.udpFlow());
    assertThat(stack.user.cancels).hasSize(1);
    assertThat(sentStatuses()).containsExactly(200);
  }

  // ------------------------------------------------------------------ limits and bad input

  @Test
  void beyondMaxTransactionsRequestsGet503WithRetryAfter() {
    Stack small = new Stack(TransactionConfig.builder().maxTransactions(2).overloadRetryAfterSeconds(7).build());
    for (int i = 0; i < 3; i++) {
      small.transport.receive(Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-o" + i), small.udpFlow());
    }
    assertThat(small.user.requests).hasSize(2);
    assertThat(small.transport.sentResponses()).singleElement().satisfies(r -> {
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().get(HeaderName.RETRY_AFTER)).isEqualTo("7");
    });
    assertThatThrownBy(() -> small.layer.sendRequest(Messages.request(SipMethod.OPTIONS), Stack.UDP_PEER, listener))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxTransactions");
    assertThat(small.layer.serverCount()).isEqualTo(2);
  }

  @Test
  void endedTransactionsFreeTheirPlaceUnderMaxTransactions() {
    Stack small = new Stack(TransactionConfig.builder().maxTransactions(2)
        .maxLingeringTransactions(0).build());
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 2; i++) {
        small.transport.receive(Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-f" + round + i),
            small.udpFlow());
      }
      assertThat(small.user.requests).hasSize(2 * (round + 1));
      for (int i = 0; i < 2; i++) {
        var tx = small.user.transactions.get(2 * round + i);
        tx.respond(Messages.response(tx.request(), 200));
      }
      small.clock.advanceMillis(1);
      // none may linger (maxLingeringTransactions 0): each ends at once and frees its place
      assertThat(small.layer.serverCount()).isZero();
    }
    assertThat(small.transport.sentResponses()).extracting(r -> r.statusCode()).containsOnly(200);
    small.transport.receive(Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-f9"), small.udpFlow());
    small.transport.receive(Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-f8"), small.udpFlow());
    small.transport.receive(Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-f7"), small.udpFlow());
    assertThat(small.transport.sentResponses()).extracting(r -> r.statusCode()).contains(503);
  }

  @Test
  void answeredTransactionsLingerWithoutCountingAsLiveAndAreBounded() {
    Stack small = new Stack(TransactionConfig.builder().maxTransactions(2)
        .maxLingeringTransactions(3).build());
    for (int i = 0; i < 5; i++) {
      small.transport.receive(Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-l" + i), small.udpFlow());
      var tx = small.user.transactions.get(i);
      tx.respond(Messages.response(tx.request(), 200));
    }
    // Five answered: not one refused with 503, since answered transactions are not live work.
    assertThat(small.transport.sentResponses()).extracting(r -> r.statusCode()).containsOnly(200);
    // Three linger for Timer J; the others, beyond maxLingeringTransactions, end at once.
    small.clock.advanceMillis(1);
    assertThat(small.layer.serverCount()).isEqualTo(3);
    small.clock.advance(java.time.Duration.ofSeconds(33));
    assertThat(small.layer.serverCount()).isZero();
    assertThat(small.clock.pendingTimers()).isZero();
  }

  @Test
  void requestWithoutCSeqGets400() {
    SipRequest bad = Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-bad").toBuilder()
        .removeHeader(HeaderName.CSEQ).build();
    stack.transport.receive(bad, stack.udpFlow());
    assertThat(sentStatuses()).containsExactly(400);
    assertThat(stack.user.requests).isEmpty();
    stack.assertIdle();
  }

  @Test
  void tuExceptionsDoNotBreakTheTransaction() {
    stack.user.onRequest = (tx, r) -> {
      throw new IllegalStateException("boom");
    };
    SipRequest request = Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-boom");
    stack.transport.receive(request, stack.udpFlow());
    stack.user.last().respond(Messages.response(request, 200));
    assertThat(sentStatuses()).containsExactly(200);
    stack.assertDrainsToIdle();
  }
}
