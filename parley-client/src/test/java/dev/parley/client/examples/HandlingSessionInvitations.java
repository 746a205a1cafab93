package dev.parley.client.examples;

import dev.parley.client.ConferenceSession;
import dev.parley.client.Endpoint;
import dev.parley.client.IncomingSessionEvent;
import dev.parley.client.Participant;
import dev.parley.client.ParticipantState;
import dev.parley.client.RejectReason;
import dev.parley.client.Session;
import dev.parley.client.SessionManager;
import dev.parley.client.SessionContext;
import dev.parley.client.SessionType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * "Handling Session Invitations" (the UCCAPI page Parley started from) as a runnable program: Bob
 * is asked "Accept incoming session from <uri>?", rejects with DECLINE or checks that the inviter
 * is still connected, reads the conversation ID, switches on the session type and accepts. Alice,
 * on the same machine, invites him; both are serverless endpoints on loopback.
 *
 * <p>Run it from the test classpath; answer y or n, or pass {@code --answer=y} / {@code --answer=n}.
 */
public final class HandlingSessionInvitations {
  private HandlingSessionInvitations() {}

  public static void main(String[] args) throws Exception {
    String preset = args.length > 0 && args[0].startsWith("--answer=") ? args[0].substring(9) : null;
    try (Endpoint alice = Endpoint.builder("sip:alice@127.0.0.1").listen("udp:127.0.0.1:0").build();
        Endpoint bob = Endpoint.builder("sip:bob@127.0.0.1").listen("udp:127.0.0.1:0").build()) {
      alice.enable().join();
      bob.enable().join();

      bob.sessionManager().setListener(listener(bob, preset));

      Session session = alice.sessionManager().createSession(SessionType.INSTANT_MESSAGING,
          SessionContext.EMPTY);
      try {
        Participant p = session.addParticipant(bob.contactUri()).get(60, TimeUnit.SECONDS);
        System.out.println("alice: " + p.uri() + " is " + p.state());
        session.terminate().get(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        System.out.println("alice: invitation failed: " + e.getCause().getMessage());
      }
    }
  }

  /**
   * Bob's answer to every invitation (steps 1 to 4 below); the conference branch needs a focus,
   * so only a signed-in endpoint meets it ({@code ExampleTest} drives it through a server).
   *
   * @param preset "y" or "n" to answer without asking, or null to read the answer from stdin
   */
  public static SessionManager.Listener listener(Endpoint bob, String preset) {
    return (Endpoint source, IncomingSessionEvent invitation) -> {
      // 1. Ask the user (blocking here is fine: only Bob's events wait).
      boolean yes = ask("Accept incoming session from " + invitation.inviter().uri() + "?", preset);
      if (!yes) {
        invitation.reject(RejectReason.DECLINE);           // 2. the inviter hears 603
        return;
      }
      // 3. Is the inviter still there? (it goes DISCONNECTED if it cancelled meanwhile)
      if (invitation.inviter().state() != ParticipantState.CONNECTED) {
        return;
      }
      String conversationId = invitation.session().context()
          .get(SessionContext.CONVERSATION_ID).orElse("");
      System.out.println("conversation " + conversationId);
      ConferenceSession.Media[] media = {}; // what a conference invitation is accepted with
      switch (invitation.session().type()) {
        case AUDIO_VIDEO -> System.out.println("an audio/video session");
        case INSTANT_MESSAGING -> System.out.println("an IM session");
        case CONFERENCE -> {
          // a focus invites us (RFC 4579); accepting enters the conference. One that continues
          // a session of ours (an escalation) has its conversation ID; a call goes on as the
          // conference's audio.
          Session continued = invitation.replaces().orElseGet(() -> bob.sessionManager()
              .sessions().stream().filter(s -> s != invitation.session() && conversationId
                  .equals(s.context().get(SessionContext.CONVERSATION_ID).orElse(null)))
              .findFirst().orElse(null));
          if (continued != null && continued.type() == SessionType.AUDIO_VIDEO) {
            media = new ConferenceSession.Media[] {ConferenceSession.Media.AUDIO};
          }
          System.out.println("a conference"
              + (continued == null ? "" : ", continuing session " + continued.id()));
        }
        case APPLICATION -> System.out.println("an application session");
      }
      invitation.accept(media)                              // 4. 200 OK, then the ACK
          .exceptionally(e -> { System.out.println("too late: " + e); return null; });
    };
  }

  private static boolean ask(String question, String preset) {
    System.out.println(question + " [y/n]");
    if (preset != null) {
      return preset.startsWith("y");
    }
    try {
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      return line != null && line.trim().toLowerCase(java.util.Locale.ROOT).startsWith("y");
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
