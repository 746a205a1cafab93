package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DtmfTest {
  /** Drives a sender tick by tick; the RTP clock advances 160 per tick from 1000. */
  private static List<DtmfSender.Packet> run(DtmfSender sender, int ticks, List<Long> tickOf) {
    List<DtmfSender.Packet> out = new ArrayList<>();
    for (int i = 0; i < ticks; i++) {
      Optional<DtmfSender.Packet> p = sender.tick(1000 + 160L * i);
      if (p.isPresent()) {
        out.add(p.get());
        tickOf.add((long) i);
      }
    }
    return out;
  }

  @Test
  void eventPayloadEncodesAndDecodesEveryField() {
    DtmfEvent e = new DtmfEvent(11, true, 10, 800);
    byte[] p = e.encode();
    assertThat(p).containsExactly(11, 0x8a, 0x03, 0x20);
    assertThat(DtmfEvent.decode(p, 0, 4)).isEqualTo(e);
    assertThat(e.digit()).isEqualTo('#');
    byte[] withR = {5, (byte) 0xc0 | 7, 0, 0};
    assertThat(DtmfEvent.decode(withR, 0, 4)).isEqualTo(new DtmfEvent(5, true, 7, 0));
  }

  @Test
  void aShortPayloadOrAnOutOfRangeFieldIsRefusedByName() {
    assertThatThrownBy(() -> DtmfEvent.decode(new byte[3], 0, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 bytes");
    assertThatThrownBy(() -> new DtmfEvent(1, false, 64, 0)).hasMessageContaining("volume");
    assertThatThrownBy(() -> DtmfEvent.eventOf('x')).hasMessageContaining("'x'");
    assertThat(DtmfEvent.eventOf('a')).isEqualTo(12);
  }

  @Test
  void senderMarksTheStartUpdatesEveryTwentyMsAndSendsTheEndThreeTimes() {
    DtmfSender sender = new DtmfSender(8000, 100, 60, 10);
    sender.send("5");
    assertThat(sender.isSending()).isTrue();
    List<Long> ticks = new ArrayList<>();
    List<DtmfSender.Packet> ps = run(sender, 20, ticks);
    assertThat(ps).hasSize(5 + 2);
    assertThat(ps).allSatisfy(p -> assertThat(p.timestamp()).isEqualTo(1000));
    assertThat(ps).extracting(DtmfSender.Packet::marker)
        .containsExactly(true, false, false, false, false, false, false);
    assertThat(ps).extracting(p -> p.event().duration())
        .containsExactly(160, 320, 480, 640, 800, 800, 800);
    assertThat(ps).extracting(p -> p.event().end())
        .containsExactly(false, false, false, false, true, true, true);
    assertThat(ps).allSatisfy(p -> assertThat(p.event().event()).isEqualTo(5));
    assertThat(ticks).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(sender.isIdle()).isTrue();
  }

  @Test
  void senderLeavesAGapBetweenDigitsAndGivesEachItsOwnTimestamp() {
    DtmfSender sender = new DtmfSender(8000, 100, 60, 10);
    sender.send("123#*ABCD");
    List<Long> ticks = new ArrayList<>();
    List<DtmfSender.Packet> ps = run(sender, 200, ticks);
    List<Character> starts = new ArrayList<>();
    for (int i = 0; i < ps.size(); i++) {
      if (ps.get(i).marker()) {
        starts.add(ps.get(i).event().digit());
        if (i > 0) {
          assertThat(ticks.get(i) - ticks.get(i - 1)).as("the gap: 3 silent ticks").isEqualTo(4);
          assertThat(ps.get(i).timestamp()).isNotEqualTo(ps.get(i - 1).timestamp());
        }
      }
    }
    assertThat(starts).containsExactly('1', '2', '3', '#', '*', 'A', 'B', 'C', 'D');
    assertThat(ps).hasSize(9 * 7);
  }

  @Test
  void senderRefusesABadDigitAndQueuesNothing() {
    DtmfSender sender = new DtmfSender(8000);
    assertThatThrownBy(() -> sender.send("12x")).hasMessageContaining("'x'");
    assertThat(sender.isIdle()).isTrue();
    assertThatThrownBy(() -> sender.send("1".repeat(65))).hasMessageContaining("64");
    assertThatThrownBy(() -> new DtmfSender(8000, 50, 60, 10)).hasMessageContaining("digitMillis");
  }

  @Test
  void receiverReportsEachDigitOnceDespiteRetransmittedEnds() {
    DtmfSender sender = new DtmfSender(8000);
    sender.send("123#*ABCD");
    DtmfReceiver receiver = new DtmfReceiver();
    StringBuilder digits = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      long now = i * 20L;
      sender.tick(1000 + 160L * i).ifPresent(p -> digits.append(
          receiver.receive(p.timestamp(), p.payload(), 0, 4, now)));
      digits.append(receiver.poll(now));
    }
    assertThat(digits.toString()).isEqualTo("123#*ABCD");
    assertThat(receiver.duplicates()).isEqualTo(9 * 2);
  }

  @Test
  void aDigitWhoseEndPacketsWereLostIsReportedWhenTheNextEventStarts() {
    DtmfReceiver receiver = new DtmfReceiver(1000);
    assertThat(receiver.receive(100, new DtmfEvent(1, false, 10, 160), 0)).isEmpty();
    assertThat(receiver.receive(100, new DtmfEvent(1, false, 10, 320), 20)).isEmpty();
    // the end packets of "1" are lost; "2" starts
    assertThat(receiver.receive(2000, new DtmfEvent(2, false, 10, 160), 200)).isEqualTo("1");
    assertThat(receiver.receive(2000, new DtmfEvent(2, true, 10, 800), 300)).isEqualTo("2");
    assertThat(receiver.receive(2000, new DtmfEvent(2, true, 10, 800), 320)).isEmpty();
  }

  @Test
  void aDigitWhoseEndPacketsWereLostIsReportedAfterTheTimeout() {
    DtmfReceiver receiver = new DtmfReceiver(200);
    receiver.receive(100, new DtmfEvent(9, false, 10, 160), 0);
    receiver.receive(100, new DtmfEvent(9, false, 10, 320), 20);
    assertThat(receiver.poll(219)).isEmpty();
    assertThat(receiver.poll(220)).isEqualTo("9");
    assertThat(receiver.poll(500)).isEmpty();
    assertThat(receiver.receive(100, new DtmfEvent(9, true, 10, 800), 510))
        .as("its late end packet is a duplicate").isEmpty();
  }

  @Test
  void latePacketsOfAnOlderEventAndMalformedPayloadsAreCountedAndDropped() {
    DtmfReceiver receiver = new DtmfReceiver();
    receiver.receive(5000, new DtmfEvent(3, true, 10, 800), 0);
    assertThat(receiver.receive(4000, new DtmfEvent(4, false, 10, 160), 10)).isEmpty();
    assertThat(receiver.late()).isEqualTo(1);
    assertThat(receiver.receive(6000, new byte[2], 0, 2, 20)).isEmpty();
    assertThat(receiver.malformed()).isEqualTo(1);
    assertThat(receiver.receive(6000, new DtmfEvent(16, true, 10, 800), 30)).isEmpty();
    assertThat(receiver.notDigits()).isEqualTo(1);
  }

  @Test
  void timestampsWrapAroundTwoToTheThirtyTwo() {
    DtmfReceiver receiver = new DtmfReceiver();
    assertThat(receiver.receive(0xffffff00L, new DtmfEvent(1, true, 10, 800), 0)).isEqualTo("1");
    assertThat(receiver.receive(0x100L, new DtmfEvent(2, true, 10, 800), 200)).isEqualTo("2");
  }
}
