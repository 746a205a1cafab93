package dev.parley.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.sip.SipMethod;
import dev.parley.sip.SipRequest;
import dev.parley.sip.SipResponse;
import dev.parley.transport.Inbound;
import dev.parley.transport.Scheduler;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NonInviteServerTransactionTest {
  private final Stack stack = new Stack();

  private SipRequest receive(boolean reliable) {
    SipRequest request = Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-opt-1");
    stack.transport.receive(request, reliable ? stack.tcpFlow() : stack.udpFlow());
    return request;
  }

  private java.util.List<Integer> sentStatuses() {
    return stack.transport.sentResponses().stream().map(SipResponse::statusCode).toList();
  }

  @Test
  void nonInviteServerAbsorbsRetransmissionsInTrying() {
    SipRequest request = receive(false);
    stack.transport.receive(request, stack.udpFlow());
    stack.transport.receive(request, stack.udpFlow());
    assertThat(stack.user.requests).hasSize(1);
    assertThat(stack.transport.sentCount()).isZero();
  }

  @Test
  void nonInviteServerResendsLastProvisionalInProceeding() {
    SipRequest request = receive(false);
    stack.user.last().respond(Messages.response(request, 100));
    stack.transport.receive(request, stack.udpFlow());
    assertThat(sentStatuses()).containsExactly(100, 100);
  }

  @Test
  void responsesSentAreCountedByClassOnceNotPerRetransmission() {
    SipRequest request = receive(false);
    stack.user.last().respond(Messages.response(request, 100));
    stack.user.last().respond(Messages.response(request, 404));
    stack.transport.receive(request, stack.udpFlow());
    stack.transport.receive(request, stack.udpFlow());
    assertThat(sentStatuses()).containsExactly(100, 404, 404, 404);
    assertThat(stack.layer.responsesSent(1)).isOne();
    assertThat(stack.layer.responsesSent(4)).isOne();
    assertThat(stack.layer.responsesSent(2)).isZero();
    assertThatThrownBy(() -> stack.layer.responsesSent(7))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statusClass");
  }

  @Test
  void nonInviteServerResendsFinalResponseInCompletedUntilTimerJ() {
    SipRequest request = receive(false);
    stack.user.last().respond(Messages.response(request, 200));
    stack.advance(10_000);
    stack.transport.receive(request, stack.udpFlow());
    assertThat(sentStatuses()).containsExactly(200, 200);
    stack.advance(21_999);
    assertThat(stack.layer.serverCount()).isOne();
    stack.advance(1);
    assertThat(stack.user.terminated).as("Timer J = 64*T1 over UDP").hasSize(1);
    stack.assertIdle();
    stack.transport.receive(request, stack.udpFlow());
    assertThat(stack.user.requests).as("after Timer J it is a new request").hasSize(2);
  }

  @Test
  void nonInviteServerAnswersRetransmissionsWithTheSameBytesWhileLingering() {
    // a parsed request (its caches are dropped while Timer J runs) whose branch is matched
    // case-insensitively (RFC 3261 §17.2.3, §7.3.1)
    SipRequest request = dev.parley.sip.SipParser.create().parse(
        Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-Opt-Case").encode()) instanceof SipRequest r
        ? r : null;
    stack.transport.receive(request, stack.udpFlow());
    stack.user.last().respond(Messages.response(request, 200));
    stack.advance(5_000);
    SipRequest lowerCase = dev.parley.sip.SipParser.create().parse(
        Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-opt-case").encode()) instanceof SipRequest r
        ? r : null;
    stack.transport.receive(lowerCase, stack.udpFlow());
    assertThat(stack.user.requests).hasSize(1);
    var sent = stack.transport.sentResponses();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).encode()).isEqualTo(sent.get(0).encode());
    assertThat(stack.user.last().request().topVia().branch()).isEqualTo("z9hG4bK-Opt-Case");
    stack.advance(27_000);
    assertThat(stack.user.terminated).hasSize(1);
    stack.assertIdle();
  }

  @Test
  void statelessAnswerKeepsNoStateSoARetransmissionIsANewRequest() {
    SipRequest request = receive(false);
    stack.user.last().respondStatelessly(Messages.response(request, 401));
    assertThat(sentStatuses()).containsExactly(401);
    assertThat(stack.user.terminated).as("ended at once, no Timer J").hasSize(1);
    assertThat(stack.layer.serverCount()).isZero();
    stack.assertIdle();
    stack.transport.receive(request, stack.udpFlow());
    assertThat(stack.user.requests).as("RFC 3261 §8.2.7: processed as a new request").hasSize(2);
  }

  @Test
  void statelessAnswerAfterAFinalResponseIsDropped() {
    SipRequest request = receive(false);
    stack.user.last().respond(Messages.response(request, 200));
    stack.user.last().respondStatelessly(Messages.response(request, 401));
    assertThat(sentStatuses()).containsExactly(200);
    assertThat(stack.layer.serverCount()).isOne();
  }

  @Test
  void statelessAnswerMustBeFinal() {
    SipRequest request = receive(false);
    assertThatThrownBy(() -> stack.user.last().respondStatelessly(Messages.response(request, 180)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("response")
        .hasMessageContaining("180");
  }

  @Test
  void nonInviteServerTimerJIsZeroOverTcp() {
    SipRequest request = receive(true);
    stack.user.last().respond(Messages.response(request, 200));
    assertThat(stack.user.terminated).hasSize(1);
    stack.assertIdle();
  }

  @Test
  void nonInviteServerDropsResponsesAfterTheFinalOne() {
    SipRequest request = receive(false);
    stack.user.last().respond(Messages.response(request, 200));
    stack.user.last().respond(Messages.response(request, 500));
    assertThat(sentStatuses()).containsExactly(200);
  }

  @Test
  void nonInviteServerRefusesAResponseForAnotherMethod() {
    receive(false);
    SipRequest other = Messages.incoming(SipMethod.MESSAGE, "z9hG4bK-x");
    assertThatThrownBy(() -> stack.user.last().respond(Messages.response(other, 200)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MESSAGE");
  }

  @Test
  void nonInviteServerTransportErrorInformsTu() {
    SipRequest request = receive(false);
    stack.transport.failNext(1);
    stack.user.last().respond(Messages.response(request, 200));
    assertThat(stack.user.transportErrors).hasSize(1);
    stack.assertIdle();
  }

  @Test
  void respondFromAnotherThreadRunsOnTheTransactionsScheduler() throws Exception {
    ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "loop"));
    try {
      Scheduler scheduler = new ExecutorScheduler(loop);
      CopyOnWriteArrayList<String> sendThreads = new CopyOnWriteArrayList<>();
      stack.transport.addTraceListener(e -> sendThreads.add(Thread.currentThread().getName()));
      SipRequest request = Messages.incoming(SipMethod.OPTIONS, "z9hG4bK-thread");
      stack.user.onRequest = (tx, r) ->
          new Thread(() -> tx.respond(Messages.response(r, 200)), "application").start();
      loop.execute(() -> stack.layer.onMessage(new Inbound(request, stack.udpFlow(), scheduler)));
      await().atMost(Duration.ofSeconds(5)).until(() -> !sendThreads.isEmpty());
      assertThat(sendThreads).containsExactly("loop");
    } finally {
      loop.shutdownNow();
    }
  }

  /** A real single-thread scheduler, for the thread-hopping test. */
  private static final class ExecutorScheduler implements Scheduler {
    private final ScheduledExecutorService loop;

    ExecutorScheduler(ScheduledExecutorService loop) {
      this.loop = loop;
    }

    @Override
    public boolean inLoop() {
      return Thread.currentThread().getName().equals("loop");
    }

    @Override
    public Timer schedule(Runnable task, long delay, TimeUnit unit) {
      var f = loop.schedule(task, delay, unit);
      return () -> f.cancel(false);
    }

    @Override
    public long nowMillis() {
      return System.nanoTime() / 1_000_000;
    }

    @Override
    public void execute(Runnable command) {
      loop.execute(command);
    }
  }
}
