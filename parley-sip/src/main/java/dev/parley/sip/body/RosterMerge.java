package dev.parley.sip.body;

import dev.parley.sip.body.ConferenceInfo.Endpoint;
import dev.parley.sip.body.ConferenceInfo.Media;
import dev.parley.sip.body.ConferenceInfo.State;
import dev.parley.sip.body.ConferenceInfo.User;
import java.util.ArrayList;
import java.util.List;

/**
 * The subscriber's merge of RFC 4575 §4.6: a full document replaces what is held; a partial one
 * changes it element by element, keyed elements (user and endpoint by entity, media by id)
 * merged by key, where {@code state="deleted"} removes, {@code state="full"} replaces and
 * {@code state="partial"} merges. What is held is always a full document, with no element marked
 * deleted. Stateless.
 */
final class RosterMerge {
  private RosterMerge() {}

  static ConferenceInfo apply(ConferenceInfo held, ConferenceInfo n) {
    if (n.isFull()) {
      return full(n);
    }
    ConferenceInfo.Builder b = ConferenceInfo.builder(held.entity(), n.version())
        .state(State.FULL).usersState(State.FULL).displayText(held.displayText())
        .subject(held.subject()).confUris(held.confUris()).userCount(held.userCount())
        .active(held.active()).locked(held.locked());
    if (n.displayText() != null) {
      b.displayText(n.displayText());
    }
    if (n.subject() != null) {
      b.subject(n.subject());
    }
    if (!n.confUris().isEmpty()) {
      b.confUris(n.confUris());
    }
    if (n.userCount() != null) {
      b.userCount(n.userCount());
    }
    if (n.active() != null) {
      b.active(n.active());
    }
    if (n.locked() != null) {
      b.locked(n.locked());
    }
    switch (n.usersState()) {
      case DELETED -> b.users(List.of());
      case FULL -> b.users(fullUsers(n.users()));
      case PARTIAL -> {
        List<User> users = new ArrayList<>(held.users());
        for (User u : n.users()) {
          int at = indexOfUser(users, u.entity());
          User merged = at < 0 ? (u.state() == State.DELETED ? null : fullUser(u))
              : mergeUser(users.get(at), u);
          if (at < 0 && merged != null) {
            users.add(merged);
          } else if (at >= 0 && merged == null) {
            users.remove(at);
          } else if (at >= 0) {
            users.set(at, merged);
          }
        }
        b.users(users);
      }
      default -> throw new AssertionError(n.usersState());
    }
    return b.build();
  }

  /** {@code n} as held: state full, without the users and endpoints it marks deleted. */
  static ConferenceInfo full(ConferenceInfo n) {
    return n.toBuilder().state(State.FULL).usersState(State.FULL)
        .users(n.usersState() == State.DELETED ? List.of() : fullUsers(n.users())).build();
  }

  private static List<User> fullUsers(List<User> users) {
    List<User> out = new ArrayList<>(users.size());
    for (User u : users) {
      if (u.state() != State.DELETED) {
        out.add(fullUser(u));
      }
    }
    return out;
  }

  private static User fullUser(User u) {
    List<Endpoint> endpoints = new ArrayList<>(u.endpoints().size());
    for (Endpoint e : u.endpoints()) {
      if (e.state() != State.DELETED) {
        endpoints.add(e.toBuilder().state(State.FULL).build());
      }
    }
    return u.toBuilder().state(State.FULL).endpoints(endpoints).build();
  }

  /** {@code held} after {@code n}: null when deleted. */
  private static User mergeUser(User held, User n) {
    switch (n.state()) {
      case DELETED:
        return null;
      case FULL:
        return fullUser(n);
      default:
        break;
    }
    User.Builder b = held.toBuilder();
    if (n.displayText() != null) {
      b.displayText(n.displayText());
    }
    if (!n.roles().isEmpty()) {
      b.roles(n.roles());
    }
    List<Endpoint> endpoints = new ArrayList<>(held.endpoints());
    for (Endpoint e : n.endpoints()) {
      int at = -1;
      for (int i = 0; i < endpoints.size(); i++) {
        if (endpoints.get(i).entity().equals(e.entity())) {
          at = i;
          break;
        }
      }
      Endpoint merged = at >= 0 ? mergeEndpoint(endpoints.get(at), e)
          : e.state() == State.DELETED ? null : e.toBuilder().state(State.FULL).build();
      if (at < 0 && merged != null) {
        endpoints.add(merged);
      } else if (at >= 0 && merged == null) {
        endpoints.remove(at);
      } else if (at >= 0) {
        endpoints.set(at, merged);
      }
    }
    return b.endpoints(endpoints).build();
  }

  private static Endpoint mergeEndpoint(Endpoint held, Endpoint n) {
    switch (n.state()) {
      case DELETED:
        return null;
      case FULL:
        return n;
      default:
        break;
    }
    Endpoint.Builder b = held.toBuilder();
    if (n.displayText() != null) {
      b.displayText(n.displayText());
    }
    if (n.status() != null) {
      b.status(n.status());
    }
    if (n.joiningMethod() != null) {
      b.joiningMethod(n.joiningMethod());
    }
    if (n.joiningWhen() != null) {
      b.joiningWhen(n.joiningWhen());
    }
    if (n.disconnectionMethod() != null) {
      b.disconnectionMethod(n.disconnectionMethod());
    }
    List<Media> media = new ArrayList<>(held.media());
    for (Media m : n.media()) {
      int at = -1;
      for (int i = 0; i < media.size(); i++) {
        if (media.get(i).id().equals(m.id())) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        media.add(m);
      } else {
        Media h = media.get(at);
        media.set(at, new Media(m.id(), or(m.displayText(), h.displayText()), or(m.type(), h.type()),
            or(m.label(), h.label()), or(m.srcId(), h.srcId()), or(m.status(), h.status())));
      }
    }
    return b.media(media).build();
  }

  private static <T> T or(T value, T otherwise) {
    return value != null ? value : otherwise;
  }

  private static int indexOfUser(List<User> users, String entity) {
    for (int i = 0; i < users.size(); i++) {
      if (users.get(i).entity().equals(entity)) {
        return i;
      }
    }
    return -1;
  }
}
