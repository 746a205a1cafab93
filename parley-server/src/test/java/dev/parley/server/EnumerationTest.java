package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.SipResponse;
import dev.parley.testkit.MockSipPeer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17 finding 5: unauthenticated requests told existing users from missing ones (480 versus
 * 404; MESSAGE 202 versus 404). Now a sender the server does not vouch for gets the same answer
 * for both: 480, and no offline storage by default.
 */
class EnumerationTest extends ProxyFixture {

  @ParameterizedTest
  @ValueSource(strings = {"INVITE", "OPTIONS", "SUBSCRIBE", "MESSAGE"})
  void unauthenticatedSenderGetsTheSameAnswerForMissingAndOfflineUsers(String method)
      throws Exception {
    start();
    MockSipPeer sender = keep(MockSipPeer.start("127.0.0.3"));
    int[] status = new int[2];
    String[] users = {"carol", "nobody"}; // carol exists, is not registered; nobody does not exist
    for (int i = 0; i < 2; i++) {
      String uri = "sip:" + users[i] + "@" + DOMAIN;
      sender.send(sender.request(method, uri, "sip:x@elsewhere.example", uri,
          method.equals("SUBSCRIBE") ? "Event: presence\r\n" : ""), udp());
      SipResponse r = sender.takeFinalResponse();
      status[i] = r.statusCode();
    }
    assertThat(status[0]).isEqualTo(480);
    assertThat(status[1]).isEqualTo(status[0]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"OPTIONS", "MESSAGE"})
  void authenticatedUserStillLearnsThatAUserDoesNotExist(String method) throws Exception {
    start();
    Phone alice = phone("alice", "secret");
    SipResponse r = method.equals("MESSAGE") ? alice.message("nobody", "hi")
        : alice.message("nobody", "hi");
    assertThat(r.statusCode()).isEqualTo(404);
  }
}
