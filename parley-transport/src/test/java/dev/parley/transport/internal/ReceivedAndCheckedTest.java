package dev.parley.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.sip.SipParseException;
import dev.parley.sip.SipParser;
import dev.parley.sip.SipRequest;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ReceivedAndCheckedTest {
  private static final InetSocketAddress SOURCE = new InetSocketAddress("192.0.2.7", 5070);

  private static SipRequest parse(String via, boolean withFrom) {
    return (SipRequest) SipParser.create().parse("OPTIONS sip:bob@example.com SIP/2.0\r\n"
        + "Via: " + via + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: <sip:bob@example.com>\r\n"
        + (withFrom ? "From: <sip:alice@example.com>;tag=1928301774\r\n" : "")
        + "Call-ID: rc@test\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n");
  }

  @Test
  void aRequestAskingForRportIsStampedAndTheStampedCopyIsTheCheckedOne() {
    SipRequest in = parse("SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKrc1;rport", true);

    SipRequest up = SipChannelHandler.receivedAndChecked(in, SOURCE);

    assertThat(up).isNotSameAs(in);
    assertThat(up.topVia().rport()).isEqualTo(5070);
    assertThat(up.topVia().received()).isEqualTo("192.0.2.7");
    assertThat(up.checkMandatoryHeaders()).isSameAs(up);
    assertThat(up.callId()).isEqualTo("rc@test");
  }

  @Test
  void aRequestThatNeedsNoStampIsPassedUpAsItCameChecked() {
    SipRequest in = parse("SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bKrc2", true);

    assertThat(SipChannelHandler.receivedAndChecked(in, SOURCE)).isSameAs(in);
  }

  @Test
  void aMissingHeaderIsTheProblemReportedEvenWhenTheRequestWouldBeStamped() {
    SipRequest in = parse("SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKrc3;rport", false);

    assertThatThrownBy(() -> SipChannelHandler.receivedAndChecked(in, SOURCE))
        .isInstanceOf(SipParseException.class)
        .hasMessageContaining("missing mandatory header From");
  }

  @Test
  void anUnreadableTopViaWithAMissingHeaderReportsTheMissingHeaderAsTheCheckAlone() {
    SipRequest in = parse("SIP/2.0/UDP @@@;branch=z9hG4bKrc4;rport", false);
    String alone;
    try {
      parse("SIP/2.0/UDP @@@;branch=z9hG4bKrc4;rport", false).checkMandatoryHeaders();
      alone = null;
    } catch (SipParseException e) {
      alone = e.getMessage();
    }

    assertThat(alone).isNotNull();
    assertThatThrownBy(() -> SipChannelHandler.receivedAndChecked(in, SOURCE))
        .isInstanceOf(SipParseException.class)
        .hasMessage(alone);
  }
}
