package dev.parley.sip.body;

import static dev.parley.sip.body.ConferenceInfoTest.RFC_FULL;
import static dev.parley.sip.body.ConferenceInfoTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.sip.body.ConferenceInfo.State;
import dev.parley.sip.body.ConferenceInfo.User;
import dev.parley.sip.body.ConferenceRoster.Outcome;
import org.junit.jupiter.api.Test;

class ConferenceRosterTest {
  /** A partial document at {@code version} whose users element holds {@code users}. */
  private static ConferenceInfo partial(long version, String users) {
    return parse("<conference-info xmlns=\"urn:ietf:params:xml:ns:conference-info\""
        + " entity=\"sips:conf233@example.com\" state=\"partial\" version=\"" + version + "\">"
        + "<users state=\"partial\">" + users + "</users></conference-info>");
  }

  private static ConferenceRoster held() {
    ConferenceRoster roster = new ConferenceRoster();
    assertThat(roster.apply(parse(RFC_FULL))).isEqualTo(Outcome.APPLIED);
    return roster;
  }

  @Test
  void aPartialDocumentMergesUsersAndEndpointsByEntityAndMediaById() {
    ConferenceRoster roster = held();
    ConferenceInfo update = partial(2, """
        <user entity="sip:bob@example.com" state="partial">
          <endpoint entity="sip:bob@pc33.example.com" state="partial">
            <status>connected</status>
            <media id="1"><status>recvonly</status></media>
          </endpoint>
        </user>
        <user entity="sip:alice@example.com" state="deleted"/>
        <user entity="sip:carol@example.com">
          <display-text>Carol</display-text>
          <endpoint entity="sip:carol@example.com"><status>alerting</status></endpoint>
        </user>
        """);
    assertThat(roster.apply(update)).isEqualTo(Outcome.APPLIED);

    ConferenceInfo now = roster.current();
    assertThat(now.version()).isEqualTo(2);
    assertThat(now.state()).isEqualTo(State.FULL);
    assertThat(now.users()).extracting(User::entity)
        .containsExactly("sip:bob@example.com", "sip:carol@example.com");
    User bob = now.user("sip:bob@example.com");
    assertThat(bob.displayText()).as("what the update leaves out is kept").isEqualTo("Bob Hoskins");
    assertThat(bob.endpoints().get(0).status()).isEqualTo(EndpointStatus.CONNECTED);
    assertThat(bob.endpoints().get(0).displayText()).isEqualTo("Bob's Laptop");
    assertThat(bob.endpoints().get(0).media().get(0).status()).isEqualTo(MediaStatus.RECVONLY);
    assertThat(bob.endpoints().get(0).media().get(0).label()).as("media merged by id").isEqualTo("34567");
    assertThat(now.user("sip:carol@example.com").endpoints().get(0).status())
        .isEqualTo(EndpointStatus.ALERTING);
    assertThat(now.subject()).as("sections the update does not carry stay")
        .isEqualTo("Agenda: This month's goals");
    assertThat(now.userCount()).isEqualTo(33);
  }

  @Test
  void aFullUserInAPartialDocumentReplacesTheHeldOne() {
    ConferenceRoster roster = held();
    roster.apply(partial(2, "<user entity=\"sip:bob@example.com\">"
        + "<endpoint entity=\"sip:bob@phone.example.com\"><status>on-hold</status></endpoint>"
        + "<endpoint entity=\"sip:bob@pc33.example.com\" state=\"deleted\"/></user>"));
    User bob = roster.current().user("sip:bob@example.com");
    assertThat(bob.displayText()).isNull();
    assertThat(bob.endpoints()).hasSize(1);
    assertThat(bob.endpoints().get(0).entity()).isEqualTo("sip:bob@phone.example.com");
    assertThat(bob.endpoints().get(0).state()).isEqualTo(State.FULL);
  }

  @Test
  void aPartialEndpointThatIsDeletedLeavesTheUser() {
    ConferenceRoster roster = held();
    roster.apply(partial(2, "<user entity=\"sip:bob@example.com\" state=\"partial\">"
        + "<endpoint entity=\"sip:bob@pc33.example.com\" state=\"deleted\"/></user>"));
    assertThat(roster.current().user("sip:bob@example.com").endpoints()).isEmpty();
  }

  @Test
  void rolesChangeOnlyWhenListed() {
    ConferenceRoster roster = held();
    roster.apply(partial(2, "<user entity=\"sip:bob@example.com\" state=\"partial\">"
        + "<roles><entry>moderator</entry></roles></user>"));
    roster.apply(partial(3, "<user entity=\"sip:bob@example.com\" state=\"partial\">"
        + "<display-text>Robert</display-text></user>"));
    User bob = roster.current().user("sip:bob@example.com");
    assertThat(bob.roles()).containsExactly("moderator");
    assertThat(bob.displayText()).isEqualTo("Robert");
  }

  @Test
  void conferenceStateValuesReplaceOnlyWhatTheyCarry() {
    ConferenceRoster roster = held();
    roster.apply(parse("<conference-info entity=\"sips:conf233@example.com\" state=\"partial\""
        + " version=\"2\"><conference-state><user-count>34</user-count><locked>true</locked>"
        + "</conference-state></conference-info>"));
    assertThat(roster.current().userCount()).isEqualTo(34);
    assertThat(roster.current().locked()).isTrue();
    assertThat(roster.current().users()).hasSize(2);
  }

  @Test
  void aDeletedUsersElementEmptiesTheRoster() {
    ConferenceRoster roster = held();
    roster.apply(parse("<conference-info entity=\"sips:conf233@example.com\" state=\"partial\""
        + " version=\"2\"><users state=\"deleted\"/></conference-info>"));
    assertThat(roster.current().users()).isEmpty();
    assertThat(roster.current().subject()).isNotNull();
  }

  @Test
  void aVersionNotNewerThanTheHeldOneIsIgnored() {
    ConferenceRoster roster = held();
    assertThat(roster.apply(parse(RFC_FULL))).isEqualTo(Outcome.STALE);
    assertThat(roster.apply(partial(2, "<user entity=\"sip:dave@example.com\"/>")))
        .isEqualTo(Outcome.APPLIED);
    assertThat(roster.apply(partial(2, "<user entity=\"sip:bob@example.com\" state=\"deleted\"/>")))
        .isEqualTo(Outcome.STALE);
    assertThat(roster.current().user("sip:bob@example.com")).isNotNull();
    assertThat(roster.current().version()).isEqualTo(2);
  }

  @Test
  void aSkippedVersionIsAGapReportedOnceAndPartialsWaitForFullState() {
    ConferenceRoster roster = held();
    assertThat(roster.apply(partial(3, "<user entity=\"sip:bob@example.com\" state=\"deleted\"/>")))
        .isEqualTo(Outcome.GAP);
    assertThat(roster.isAwaitingFull()).isTrue();
    assertThat(roster.current().user("sip:bob@example.com")).as("not merged on the wrong base")
        .isNotNull();
    assertThat(roster.apply(partial(4, "<user entity=\"sip:alice@example.com\" state=\"deleted\"/>")))
        .isEqualTo(Outcome.AWAITING_FULL);
    assertThat(roster.current().version()).isEqualTo(1);

    ConferenceInfo fresh = parse(RFC_FULL.replace("version=\"1\"", "version=\"5\""));
    assertThat(roster.apply(fresh)).isEqualTo(Outcome.APPLIED);
    assertThat(roster.isAwaitingFull()).isFalse();
    assertThat(roster.apply(partial(6, "<user entity=\"sip:bob@example.com\" state=\"deleted\"/>")))
        .isEqualTo(Outcome.APPLIED);
    assertThat(roster.current().users()).hasSize(1);
  }

  @Test
  void aPartialBeforeTheFirstFullDocumentWaits() {
    ConferenceRoster roster = new ConferenceRoster();
    assertThat(roster.apply(partial(2, "<user entity=\"sip:a@h\"/>"))).isEqualTo(Outcome.AWAITING_FULL);
    assertThat(roster.current()).isNull();
  }

  @Test
  void aNewSubscriptionTakesAFullDocumentWhateverItsVersion() {
    ConferenceRoster roster = held();
    roster.apply(partial(2, "<user entity=\"sip:dave@example.com\"/>"));
    roster.reset();
    assertThat(roster.apply(parse(RFC_FULL))).isEqualTo(Outcome.APPLIED);
    assertThat(roster.current().user("sip:dave@example.com")).isNull();
    assertThat(roster.current().version()).isEqualTo(1);
  }

  @Test
  void aFullDocumentHeldHasNoDeletedElements() {
    ConferenceRoster roster = new ConferenceRoster();
    roster.apply(parse("<conference-info entity=\"c\" version=\"1\"><users>"
        + "<user entity=\"a\" state=\"deleted\"/><user entity=\"b\"/></users></conference-info>"));
    assertThat(roster.current().users()).extracting(User::entity).containsExactly("b");
  }

  @Test
  void applyMergesWithoutLookingAtVersions() {
    ConferenceInfo held = parse(RFC_FULL);
    ConferenceInfo after = held.apply(partial(9, "<user entity=\"sip:alice@example.com\" state=\"deleted\"/>"));
    assertThat(after.version()).isEqualTo(9);
    assertThat(after.users()).extracting(User::entity).containsExactly("sip:bob@example.com");
  }
}
