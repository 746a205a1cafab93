package dev.parley.media.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class LatchTest {
  private static final InetSocketAddress SDP = new InetSocketAddress("192.0.2.1", 4000);
  private static final InetSocketAddress NAT = new InetSocketAddress("198.51.100.7", 61000);
  private static final InetSocketAddress OTHER = new InetSocketAddress("203.0.113.9", 5000);

  @Test
  void theFirstPacketMovesTheDestinationToItsSourceAtOnce() {
    Latch latch = new Latch(true, 3);
    latch.set(SDP);

    assertThat(latch.observe(NAT)).isTrue();
    assertThat(latch.destination()).isEqualTo(NAT);
  }

  @Test
  void aLatePacketFromTheOldPeerAfterANewSdpAddressDoesNotPullTheDestinationBack() {
    Latch latch = new Latch(true, 3);
    latch.set(SDP);
    latch.observe(NAT); // the old peer, latched
    latch.set(OTHER); // a re-INVITE moved the stream to a new peer

    assertThat(latch.observe(NAT)).as("the old peer's late BYE").isFalse();
    assertThat(latch.destination()).isEqualTo(OTHER);
    assertThat(latch.observe(NAT)).isFalse();
    assertThat(latch.observe(NAT)).as("three in a row: it really is there").isTrue();
    assertThat(latch.destination()).isEqualTo(NAT);
  }

  @Test
  void theNewPeerBehindANatStillLatchesOnItsFirstPacketAfterANewSdpAddress() {
    Latch latch = new Latch(true, 3);
    latch.set(SDP);
    latch.observe(SDP);
    latch.set(OTHER);
    InetSocketAddress otherBehindNat = new InetSocketAddress("198.51.100.8", 62000);

    assertThat(latch.observe(otherBehindNat)).isTrue();
    assertThat(latch.destination()).isEqualTo(otherBehindNat);
  }

  @Test
  void aPacketFromTheSdpAddressKeepsIt() {
    Latch latch = new Latch(true, 3);
    latch.set(SDP);

    assertThat(latch.observe(SDP)).isFalse();
    assertThat(latch.observe(NAT)).isFalse();
    assertThat(latch.destination()).isEqualTo(SDP);
  }

  @Test
  void aNewSourceTakesOverOnlyAfterEnoughPacketsInARow() {
    Latch latch = new Latch(true, 3);
    latch.set(SDP);
    latch.observe(NAT);

    assertThat(latch.observe(OTHER)).isFalse();
    assertThat(latch.observe(OTHER)).isFalse();
    assertThat(latch.destination()).isEqualTo(NAT);
    assertThat(latch.observe(OTHER)).isTrue();
    assertThat(latch.destination()).isEqualTo(OTHER);
  }

  @Test
  void aPacketFromTheCurrentDestinationStartsTheCountAgain() {
    Latch latch = new Latch(true, 3);
    latch.set(SDP);
    latch.observe(NAT);

    latch.observe(OTHER);
    latch.observe(OTHER);
    latch.observe(NAT);
    latch.observe(OTHER);
    latch.observe(OTHER);

    assertThat(latch.destination()).isEqualTo(NAT);
  }

  @Test
  void settingTheRemoteAgainLatchesOnTheNextPacketAtOnce() {
    Latch latch = new Latch(true, 3);
    latch.set(SDP);
    latch.observe(NAT);
    latch.set(SDP);

    assertThat(latch.observe(OTHER)).isTrue();
    assertThat(latch.destination()).isEqualTo(OTHER);
  }

  @Test
  void withSymmetricRtpOffTheSdpAddressStays() {
    Latch latch = new Latch(false, 1);
    latch.set(SDP);

    assertThat(latch.observe(NAT)).isFalse();
    assertThat(latch.destination()).isEqualTo(SDP);
  }
}
