package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A session's context: its properties as an ordered map reads them, in little memory. */
class SessionContextTest {
  private static final SessionContext.Key<Integer> LOCAL = SessionContext.Key.of("local", Integer.class);

  @Test
  void keysKeepTheOrderFirstSetAndAKeySetAgainKeepsItsPlace() {
    SessionContext context = SessionContext.builder()
        .set(SessionContext.SUBJECT, "plan").set(LOCAL, 1)
        .set(SessionContext.CONVERSATION_ID, "c1").set(SessionContext.SUBJECT, "release")
        .build();
    assertThat(context.keys()).containsExactly(SessionContext.SUBJECT, LOCAL,
        SessionContext.CONVERSATION_ID);
    assertThat(context.get(SessionContext.SUBJECT)).contains("release");
    assertThat(context.get(LOCAL)).contains(1);
    assertThat(context.get(SessionContext.PAGER_MODE)).isEmpty();
    assertThat(context.isSet(SessionContext.CONVERSATION_ID)).isTrue();
    assertThat(context.isSet(SessionContext.PAGER_MODE)).isFalse();
    assertThat(context).hasToString("SessionContext{subject=release, local=1, conversation-id=c1}");
    assertThatThrownBy(() -> context.keys().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void removingAKeyLeavesTheOthersInOrderAndTheContextItCameFromUnchanged() {
    SessionContext context = SessionContext.builder().set(SessionContext.SUBJECT, "plan")
        .set(LOCAL, 1).set(SessionContext.CONVERSATION_ID, "c1").build();
    SessionContext fewer = context.toBuilder().remove(LOCAL).remove(SessionContext.PAGER_MODE)
        .set(SessionContext.PAGER_MODE, true).build();
    assertThat(fewer.keys()).containsExactly(SessionContext.SUBJECT,
        SessionContext.CONVERSATION_ID, SessionContext.PAGER_MODE);
    assertThat(context.keys()).containsExactly(SessionContext.SUBJECT, LOCAL,
        SessionContext.CONVERSATION_ID);
    assertThat(SessionContext.builder().set(LOCAL, 2).remove(LOCAL).build())
        .isEqualTo(SessionContext.EMPTY).hasToString("SessionContext{}");
  }

  @Test
  void contextsWithEqualValuesInAnotherOrderAreEqualAndHashAsTheirMaps() {
    SessionContext a = SessionContext.builder().set(SessionContext.SUBJECT, "s")
        .set(SessionContext.CONVERSATION_ID, "c").build();
    SessionContext b = SessionContext.builder().set(SessionContext.CONVERSATION_ID, "c")
        .set(SessionContext.SUBJECT, "s").build();
    Map<SessionContext.Key<?>, Object> map = new LinkedHashMap<>();
    map.put(SessionContext.SUBJECT, "s");
    map.put(SessionContext.CONVERSATION_ID, "c");
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).hasSameHashCodeAs(map);
    assertThat(a).isNotEqualTo(b.toBuilder().set(SessionContext.SUBJECT, "t").build())
        .isNotEqualTo(b.toBuilder().set(LOCAL, 1).build())
        .isNotEqualTo(SessionContext.EMPTY);
  }

  /**
   * Every incoming session gets a context of its conversation ID and subject: a builder and the
   * context, not a map of 16 slots for the builder and another map for the context.
   */
  @Test
  void anIncomingSessionsContextOfTwoPropertiesTakesUnder160Bytes() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Object[] keep = new Object[1];
    int n = 20_000;
    long perContext = Long.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      long before = mx.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < n; i++) {
        keep[0] = SessionContext.builder().set(SessionContext.CONVERSATION_ID, "c")
            .set(SessionContext.SUBJECT, "s").build();
      }
      perContext = Math.min(perContext, (mx.getCurrentThreadAllocatedBytes() - before) / n);
    }
    assertThat(keep[0]).isNotNull();
    assertThat(perContext).as("bytes per context").isLessThan(160);
  }
}
