package dev.parley.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.transport.TraceEvent;
import dev.parley.transport.TraceListener;
import dev.parley.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The live ladders' bounds and lifetimes, in virtual time with made-up trace events. */
class CallLaddersTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final List<TraceListener> registered = new ArrayList<>();
  private final CallLadders ladders = new CallLadders(registered::add,
      registered::remove, now::get);

  private static TraceEvent event(String text) {
    return new TraceEvent(TraceEvent.Direction.RECEIVED, 1L, Transport.UDP,
        new InetSocketAddress("127.0.0.1", 5060), new InetSocketAddress("127.0.0.1", 40000),
        text.getBytes(StandardCharsets.UTF_8));
  }

  private static TraceEvent request(String method, String callId) {
    return event(method + " sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:40000\r\n"
        + "call-id : " + callId + "\r\nCSeq: 1 " + method + "\r\nContent-Length: 0\r\n\r\n");
  }

  private static TraceEvent response(int code, String method, String callId) {
    return event("SIP/2.0 " + code + " Whatever\r\ni: " + callId + "\r\nCSeq: 2 " + method
        + "\r\nContent-Length: 0\r\n\r\n");
  }

  @Test
  void nothingIsRegisteredOrRecordedBeforeAnAdminPageIsReadOrACallWatched() {
    ladders.onTrace(request("INVITE", "a"));
    assertThat(registered).isEmpty();
    assertThat(ladders.messages("a")).isEmpty();
    ladders.pageRead();
    ladders.pageRead();
    assertThat(registered).containsExactly(ladders);
  }

  @Test
  void theListenerComesOffTheTransportAMinuteAfterTheLastReadAndBackOnTheNextRead() {
    ladders.watch("a");
    assertThat(registered).containsExactly(ladders);
    now.addAndGet(CallLadders.IDLE_MILLIS - 1);
    ladders.onTrace(request("INVITE", "a"));
    assertThat(registered).as("a minute after the watch began, less a millisecond")
        .containsExactly(ladders);
    now.addAndGet(1);
    ladders.onTrace(request("ACK", "a"));
    assertThat(registered).as("the first message after the idle minute").isEmpty();
    assertThat(ladders.watchedCount()).isZero();
    ladders.onTrace(request("BYE", "a"));
    assertThat(registered).isEmpty();
    ladders.pageRead();
    assertThat(registered).containsExactly(ladders);
    ladders.pageRead();
    assertThat(registered).as("added once").containsExactly(ladders);
    now.addAndGet(CallLadders.IDLE_MILLIS);
    ladders.onTrace(request("OPTIONS", "b"));
    assertThat(registered).isEmpty();
    assertThat(ladders.watch("b")).isTrue();
    assertThat(registered).containsExactly(ladders);
  }

  @Test
  void anUnwatchedCallIsNotRecordedWhenNoPageIsOpen() {
    assertThat(ladders.watch("a")).isTrue();
    ladders.onTrace(request("INVITE", "a"));
    ladders.onTrace(request("INVITE", "b"));
    assertThat(ladders.messages("a")).hasSize(1);
    assertThat(ladders.messages("b")).isEmpty();
    assertThat(ladders.recentCount()).isZero();
  }

  @Test
  void atMostEightCallsAreWatchedAndEachKeepsItsLast200MessagesCutTo4096Characters() {
    for (int i = 0; i < CallLadders.MAX_WATCHED; i++) {
      assertThat(ladders.watch("call-" + i)).isTrue();
    }
    assertThat(ladders.watch("one-more")).isFalse();
    assertThat(ladders.watch("call-0")).as("refreshing a watch is not a new one").isTrue();
    for (int i = 0; i < CallLadders.MAX_MESSAGES + 50; i++) {
      ladders.onTrace(request("MESSAGE", "call-0"));
    }
    ladders.onTrace(event("MESSAGE sip:x SIP/2.0\r\nCall-ID: call-1\r\nX: " + "y".repeat(10_000)
        + "\r\n\r\n"));
    assertThat(ladders.messages("call-0")).hasSize(CallLadders.MAX_MESSAGES);
    assertThat(ladders.ladderJson("call-0", 0)).contains("\"gap\":true");
    CallLadders.Message big = ladders.messages("call-1").get(0);
    assertThat(big.text()).hasSize(CallLadders.MAX_CHARS);
    assertThat(big.truncated()).isTrue();
  }

  @Test
  void aWatchEndsAMinuteAfterItsLastReadOrHalfAMinuteAfterItsCallEnded() {
    ladders.watch("idle");
    ladders.watch("ended");
    now.addAndGet(50_000);
    assertThat(ladders.ladderJson("ended", 0)).contains("\"ended\":false");
    ladders.onTrace(request("BYE", "ended"));
    ladders.onTrace(response(200, "BYE", "ended"));
    assertThat(ladders.ladderJson("ended", 0)).contains("\"ended\":true");
    now.addAndGet(10_000);
    assertThat(ladders.ladderJson("idle", 0)).isNull();
    assertThat(ladders.ladderJson("ended", 0)).isNotNull();
    now.addAndGet(CallLadders.GRACE_MILLIS);
    assertThat(ladders.ladderJson("ended", 0)).isNull();
    assertThat(ladders.watchedCount()).isZero();
  }

  @Test
  void aMessageOfAnIdleWatchIsNotRecordedAndEveryWatchIsDroppedAMinuteAfterTheLastRead() {
    ladders.watch("idle");
    ladders.watch("read");
    now.addAndGet(40_000);
    assertThat(ladders.ladderJson("read", 0)).isNotNull();
    now.addAndGet(20_000);
    ladders.onTrace(request("MESSAGE", "idle"));
    assertThat(ladders.messages("idle")).isEmpty();
    assertThat(ladders.watchedCount()).isEqualTo(1);
    now.addAndGet(40_000);
    ladders.onTrace(request("MESSAGE", "read"));
    assertThat(ladders.watchedCount()).isZero();
  }

  @Test
  void aChallengeDoesNotEndACallAndAFailedReInviteIsUndoneByTheNextRequest() {
    ladders.watch("c");
    ladders.onTrace(request("INVITE", "c"));
    ladders.onTrace(response(407, "INVITE", "c"));
    assertThat(ladders.ladderJson("c", 0)).contains("\"ended\":false");
    ladders.onTrace(response(491, "INVITE", "c"));
    ladders.onTrace(request("ACK", "c"));
    assertThat(ladders.ladderJson("c", 0)).contains("\"ended\":true");
    ladders.onTrace(request("INVITE", "c"));
    assertThat(ladders.ladderJson("c", 0)).contains("\"ended\":false");
  }

  @Test
  void whileAPageIsOpenTheFirstMessagesOfTheLast32CallsAreKeptAndSeedAWatch() {
    ladders.pageRead();
    for (int i = 0; i < CallLadders.RECENT_CALLS + 10; i++) {
      ladders.onTrace(request("INVITE", "c" + i));
    }
    ladders.onTrace(request("OPTIONS", "not-a-call"));
    assertThat(ladders.recentCount()).isEqualTo(CallLadders.RECENT_CALLS);
    for (int i = 0; i < CallLadders.RECENT_MESSAGES + 5; i++) {
      ladders.onTrace(response(180, "INVITE", "c41"));
    }
    assertThat(ladders.messages("c41")).hasSize(CallLadders.RECENT_MESSAGES);
    assertThat(ladders.watch("c41")).isTrue();
    String json = ladders.ladderJson("c41", 0);
    assertThat(json).contains("\"firstLine\":\"INVITE sip:bob@example.com SIP/2.0\"",
        "\"gap\":true");
    assertThat(ladders.ladderJson("c41", CallLadders.RECENT_MESSAGES + 100)).contains(
        "\"messages\":[]");
    now.addAndGet(CallLadders.IDLE_MILLIS);
    ladders.onTrace(request("INVITE", "late"));
    assertThat(ladders.recentCount()).isZero();
  }

  @Test
  void headersAreFoundByFullOrCompactNameInTheHeaderSectionOnly() {
    byte[] m = ("SIP/2.0 200 OK\r\nFrom: a\r\nI :  x@y \r\n\r\nCall-ID: body\r\n")
        .getBytes(StandardCharsets.UTF_8);
    assertThat(CallLadders.header(m, "call-id", "i")).isEqualTo("x@y");
    assertThat(CallLadders.header("INVITE x SIP/2.0\r\n\r\nCall-ID: z\r\n"
        .getBytes(StandardCharsets.UTF_8), "call-id", "i")).isNull();
  }
}
