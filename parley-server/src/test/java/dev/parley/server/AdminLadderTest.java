package dev.parley.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.dialog.Dialog;
import dev.parley.dialog.IncomingInvite;
import dev.parley.dialog.OutgoingInvite;
import dev.parley.sip.MediaType;
import dev.parley.json.JsonParser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The live ladder of a call an admin selects, over real HTTPS and a real call through the server
 * between two phones: the INVITE (kept while the page was open), 180, 200, ACK, BYE and its 200,
 * in order; another call is not recorded.
 */
class AdminLadderTest extends WebFixture {
  private String cookie;
  private String csrf;

  private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return https().send(b.timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder at(String path) {
    return HttpRequest.newBuilder(URI.create(web() + path));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private void signIn() throws Exception {
    HttpResponse<String> r = send(at("/admin/login").header("Origin", web())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("user=alice&password=secret")));
    assertThat(r.statusCode()).isEqualTo(303);
    String setCookie = r.headers().firstValue("set-cookie").orElseThrow();
    cookie = setCookie.substring(0, setCookie.indexOf(';'));
    HttpResponse<String> state = send(at("/admin/api/state").header("Cookie", cookie));
    Matcher m = Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(state.body());
    assertThat(m.find()).isTrue();
    csrf = m.group(1);
  }

  private int watch(String callId) throws Exception {
    return send(at("/admin/api/ladder/watch").header("Cookie", cookie).header("Origin", web())
        .header("X-CSRF-Token", csrf).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("callId=" + enc(callId)))).statusCode();
  }

  private HttpResponse<String> ladder(String callId) throws Exception {
    return send(at("/admin/api/ladder?callId=" + enc(callId) + "&since=0")
        .header("Cookie", cookie));
  }

  /** The first lines of the ladder's messages, in order. */
  @SuppressWarnings("unchecked")
  private List<String> firstLines(String callId) throws Exception {
    HttpResponse<String> r = ladder(callId);
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Object> json = (Map<String, Object>) JsonParser.parse(r.body());
    List<String> lines = new ArrayList<>();
    for (Object o : (List<Object>) json.get("messages")) {
      Map<String, Object> m = (Map<String, Object>) o;
      lines.add(m.get("direction") + " " + m.get("firstLine"));
    }
    return lines;
  }

  private static int indexOf(List<String> lines, int from, String prefix) {
    for (int i = Math.max(0, from); i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aWatchedCallsLadderShowsInviteRingingOkAckByeInOrderAndAnotherCallIsNotRecorded()
      throws Exception {
    startWeb(w -> w.admins(List.of("alice")));
    Phone alice = phone("alice", "secret");
    Phone bob = phone("bob", "hunter2");
    // a plain 180 (not the reliable one of ringing(): a BYE after the PRACK reuses its CSeq)
    bob.onInvite = invite -> invite.transaction().respond(
        invite.request().response(180, invite.localTag()).build());
    Phone carol = phone("carol", "pass").answering(false);
    assertThat(bob.register().statusCode()).isEqualTo(200);
    assertThat(carol.register().statusCode()).isEqualTo(200);
    signIn(); // the page is open: recent calls' first messages are kept

    OutgoingInvite calling = alice.call("bob");
    IncomingInvite atBob = bob.nextInvite();
    String callId = atBob.request().callId();
    // selected while it rings: the INVITE and 180 come from the recent ring, the rest live
    assertThat(watch(callId)).isEqualTo(200);
    atBob.accept(MediaType.APPLICATION_SDP, "v=0\r\n".getBytes(StandardCharsets.US_ASCII))
        .get(10, TimeUnit.SECONDS);
    Dialog call = calling.dialog().get(10, TimeUnit.SECONDS);

    Dialog other = alice.call("carol").dialog().get(10, TimeUnit.SECONDS);
    carol.accepted.take().get(10, TimeUnit.SECONDS);
    assertThat(alice.ua.bye(call).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(alice.ua.bye(other).get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

    // the server sent Alice the 200 to her BYE before she got it: it is traced already, but
    // the ladder is read through another connection, so wait for it rather than assume
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
      List<String> l = firstLines(callId);
      return indexOf(l, indexOf(l, 0, "in BYE"), "out SIP/2.0 200") >= 0;
    });
    List<String> lines = firstLines(callId);
    int invite = indexOf(lines, 0, "in INVITE sip:bob@");
    int inviteOut = indexOf(lines, invite, "out INVITE sip:bob@");
    int ringing = indexOf(lines, inviteOut, "in SIP/2.0 180");
    int ok = indexOf(lines, ringing, "in SIP/2.0 200");
    int ack = indexOf(lines, ok, "in ACK");
    int bye = indexOf(lines, ack, "in BYE");
    int byeOk = indexOf(lines, bye, "out SIP/2.0 200");
    assertThat(List.of(invite, inviteOut, ringing, ok, ack, bye, byeOk)).as(lines.toString())
        .doesNotContain(-1).isSorted();
    String otherCallId = other.id().callId();
    assertThat(ladder(otherCallId).statusCode()).isEqualTo(404);
    assertThat(String.join("\n", lines)).doesNotContain("carol");
  }

  @Test
  void theLadderApiNeedsASessionAndACsrfTokenToWatch() throws Exception {
    startWeb(w -> w.admins(List.of("alice")));
    assertThat(send(at("/admin/api/ladder?callId=x")).statusCode()).isEqualTo(401);
    signIn();
    assertThat(send(at("/admin/api/ladder/watch").header("Cookie", cookie).header("Origin", web())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("callId=x"))).statusCode()).isEqualTo(403);
    assertThat(ladder("x").statusCode()).isEqualTo(404);
    assertThat(watch("x")).isEqualTo(200);
    assertThat(ladder("x").body()).contains("\"messages\":[]");
    assertThat(send(at("/admin/api/ladder?callId=x&since=z").header("Cookie", cookie))
        .statusCode()).isEqualTo(400);
  }
}
