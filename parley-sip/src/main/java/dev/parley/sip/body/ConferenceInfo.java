package dev.parley.sip.body;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A conference-info document (RFC 4575 §5), the body of {@code Event: conference} NOTIFYs,
 * {@value #CONTENT_TYPE}: the conference's {@code entity} (its URI), the document's
 * {@code version} and {@code state} (full or partial), the parts of conference-description and
 * conference-state Parley uses, and the users with their endpoints and media.
 *
 * <p>Write one with {@link #builder(String, long)} and {@link #toXml()}; read one with
 * {@link #parse(byte[])} (hardened: no DTD, no external entities, bounded; unknown elements and
 * attributes are ignored, as the RFC's extensibility asks). A subscriber keeps the roster with
 * {@link #apply(ConferenceInfo)} (RFC 4575 §4.6 merge) or {@link ConferenceRoster} (which also
 * orders by version). Absent values are null (text, counts, flags) or empty (lists).
 *
 * <p>Immutable and thread-safe; so are its {@link User}, {@link Endpoint}, {@link Media} and
 * {@link ConfUri}.
 */
public final class ConferenceInfo {
  /** The media type, {@value}. */
  public static final String CONTENT_TYPE = "application/conference-info+xml";
  /** The XML namespace, {@value}. */
  public static final String NAMESPACE = "urn:ietf:params:xml:ns:conference-info";

  /** The {@code state} attribute of the document and of its users and endpoints (RFC 4575 §5.1). */
  public enum State {
    /** The element holds everything: it replaces what the subscriber held. */
    FULL,
    /** The element holds changes: they are merged into what the subscriber held. */
    PARTIAL,
    /** The element is gone: the subscriber drops it. */
    DELETED;

    /** The attribute value: {@code full}, {@code partial}, {@code deleted}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The state of attribute value {@code text}, or null if it is none of the three. */
    public static State fromWire(String text) {
      for (State s : values()) {
        if (s.wire().equals(text)) {
          return s;
        }
      }
      return null;
    }
  }

  /**
   * One {@code entry} of {@code conf-uris} (RFC 4575 §5.3.1): a URI to join the conference by.
   *
   * @param uri the URI (required)
   * @param displayText its label, or null
   * @param purpose what it is for ({@code participation}, {@code streaming}, ...), or null
   */
  public record ConfUri(String uri, String displayText, String purpose) {
    /** Checks {@code uri} is present. */
    public ConfUri {
      requireText(uri, "uri");
    }
  }

  /**
   * One {@code media} of an endpoint (RFC 4575 §5.7.8), keyed by {@code id} within it.
   *
   * @param id the key within the endpoint (required)
   * @param displayText its label, or null
   * @param type the SDP media type ({@code audio}, {@code video}, {@code message}), or null
   * @param label the SDP {@code a=label} (RFC 4574), or null
   * @param srcId the RTP SSRC as decimal text, or null
   * @param status its direction, or null
   */
  public record Media(String id, String displayText, String type, String label, String srcId,
      MediaStatus status) {
    /** Checks {@code id} is present. */
    public Media {
      requireText(id, "media id");
    }

    /** A media stream of {@code id} with only {@code type} and {@code status}. */
    public static Media of(String id, String type, MediaStatus status) {
      return new Media(id, null, type, null, null, status);
    }
  }

  /**
   * One {@code endpoint} of a user (RFC 4575 §5.7): a device or signalling leg of the user in the
   * conference, keyed by {@code entity} within the user.
   *
   * @param entity the key: the endpoint's URI, such as its Contact (required)
   * @param state full (default), partial or deleted
   * @param displayText its label, or null
   * @param status where it stands, or null
   * @param joiningMethod {@code dialed-in}, {@code dialed-out}, {@code focus-owner}, or null
   * @param joiningWhen the {@code when} of {@code joining-info}, or null
   * @param disconnectionMethod {@code departed}, {@code booted}, {@code failed},
   *     {@code busy}, or null
   * @param media its media streams, in document order
   */
  public record Endpoint(String entity, State state, String displayText, EndpointStatus status,
      String joiningMethod, Instant joiningWhen, String disconnectionMethod, List<Media> media) {
    /** Checks the entity and state are present and copies the list. */
    public Endpoint {
      requireText(entity, "endpoint entity");
      Objects.requireNonNull(state, "state");
      media = List.copyOf(media);
    }

    /** A builder for an endpoint of {@code entity}, state full. */
    public static Builder builder(String entity) {
      return new Builder(entity);
    }

    /** A builder holding this endpoint. */
    public Builder toBuilder() {
      Builder b = new Builder(entity);
      b.state = state;
      b.displayText = displayText;
      b.status = status;
      b.joiningMethod = joiningMethod;
      b.joiningWhen = joiningWhen;
      b.disconnectionMethod = disconnectionMethod;
      b.media.addAll(media);
      return b;
    }

    /** Builds an {@link Endpoint}; not thread-safe. */
    public static final class Builder {
      private final String entity;
      private State state = State.FULL;
      private String displayText;
      private EndpointStatus status;
      private String joiningMethod;
      private Instant joiningWhen;
      private String disconnectionMethod;
      private final List<Media> media = new ArrayList<>();

      private Builder(String entity) {
        this.entity = entity;
      }

      public Builder state(State state) {
        this.state = Objects.requireNonNull(state, "state");
        return this;
      }

      public Builder displayText(String displayText) {
        this.displayText = displayText;
        return this;
      }

      public Builder status(EndpointStatus status) {
        this.status = status;
        return this;
      }

      public Builder joiningMethod(String joiningMethod) {
        this.joiningMethod = joiningMethod;
        return this;
      }

      public Builder joiningWhen(Instant joiningWhen) {
        this.joiningWhen = joiningWhen;
        return this;
      }

      public Builder disconnectionMethod(String disconnectionMethod) {
        this.disconnectionMethod = disconnectionMethod;
        return this;
      }

      /** Appends a media stream. */
      public Builder addMedia(Media media) {
        this.media.add(Objects.requireNonNull(media, "media"));
        return this;
      }

      /** Replaces the media streams. */
      public Builder media(List<Media> media) {
        this.media.clear();
        media.forEach(this::addMedia);
        return this;
      }

      /**
       * The endpoint.
       *
       * @throws IllegalArgumentException if the entity is missing or blank
       */
      public Endpoint build() {
        return new Endpoint(entity, state, displayText, status, joiningMethod, joiningWhen,
            disconnectionMethod, media);
      }
    }
  }

  /**
   * One {@code user} (RFC 4575 §5.6): a participant, keyed by {@code entity} (its AOR).
   *
   * @param entity the key: the user's AOR (required)
   * @param state full (default), partial or deleted
   * @param displayText the user's name, or null
   * @param roles the user's roles ({@code participant}, ...), in document order
   * @param endpoints the user's endpoints, in document order
   */
  public record User(String entity, State state, String displayText, List<String> roles,
      List<Endpoint> endpoints) {
    /** Checks the entity and state are present and copies the lists. */
    public User {
      requireText(entity, "user entity");
      Objects.requireNonNull(state, "state");
      roles = List.copyOf(roles);
      endpoints = List.copyOf(endpoints);
    }

    /** A builder for a user of {@code entity}, state full. */
    public static Builder builder(String entity) {
      return new Builder(entity);
    }

    /** A builder holding this user. */
    public Builder toBuilder() {
      Builder b = new Builder(entity);
      b.state = state;
      b.displayText = displayText;
      b.roles.addAll(roles);
      b.endpoints.addAll(endpoints);
      return b;
    }

    /** The endpoint of {@code entity}, or null. */
    public Endpoint endpoint(String entity) {
      return endpoints.stream().filter(e -> e.entity().equals(entity)).findFirst().orElse(null);
    }

    /** Builds a {@link User}; not thread-safe. */
    public static final class Builder {
      private final String entity;
      private State state = State.FULL;
      private String displayText;
      private final List<String> roles = new ArrayList<>();
      private final List<Endpoint> endpoints = new ArrayList<>();

      private Builder(String entity) {
        this.entity = entity;
      }

      public Builder state(State state) {
        this.state = Objects.requireNonNull(state, "state");
        return this;
      }

      public Builder displayText(String displayText) {
        this.displayText = displayText;
        return this;
      }

      /** Appends a role. */
      public Builder addRole(String role) {
        roles.add(requireText(role, "role"));
        return this;
      }

      /** Replaces the roles. */
      public Builder roles(List<String> roles) {
        this.roles.clear();
        roles.forEach(this::addRole);
        return this;
      }

      /** Appends an endpoint. */
      public Builder addEndpoint(Endpoint endpoint) {
        endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
        return this;
      }

      /** Replaces the endpoints. */
      public Builder endpoints(List<Endpoint> endpoints) {
        this.endpoints.clear();
        endpoints.forEach(this::addEndpoint);
        return this;
      }

      /**
       * The user.
       *
       * @throws IllegalArgumentException if the entity is missing or blank
       */
      public User build() {
        return new User(entity, state, displayText, roles, endpoints);
      }
    }
  }

  private final String entity;
  private final State state;
  private final long version;
  private final String displayText;
  private final String subject;
  private final List<ConfUri> confUris;
  private final Integer userCount;
  private final Boolean active;
  private final Boolean locked;
  private final State usersState;
  private final List<User> users;

  private ConferenceInfo(Builder b) {
    this.entity = b.entity;
    this.state = b.state;
    this.version = b.version;
    this.displayText = b.displayText;
    this.subject = b.subject;
    this.confUris = List.copyOf(b.confUris);
    this.userCount = b.userCount;
    this.active = b.active;
    this.locked = b.locked;
    this.usersState = b.usersState != null ? b.usersState
        : b.state == State.FULL ? State.FULL : State.PARTIAL;
    this.users = List.copyOf(b.users);
  }

  /**
   * A builder for a document about conference {@code entity} at {@code version}, state full.
   *
   * @throws IllegalArgumentException if the entity is blank or the version negative
   */
  public static Builder builder(String entity, long version) {
    return new Builder(entity, version);
  }

  /** A builder holding this document. */
  public Builder toBuilder() {
    Builder b = new Builder(entity, version);
    b.state = state;
    b.displayText = displayText;
    b.subject = subject;
    b.confUris.addAll(confUris);
    b.userCount = userCount;
    b.active = active;
    b.locked = locked;
    b.usersState = usersState;
    b.users.addAll(users);
    return b;
  }

  /**
   * Reads a document with the {@link ConferenceInfoLimits#DEFAULT default limits}.
   *
   * @throws ConferenceInfoException naming what is wrong, if it is not one or breaks a limit
   */
  public static ConferenceInfo parse(byte[] xml) {
    return parse(xml, ConferenceInfoLimits.DEFAULT);
  }

  /**
   * Reads a document within {@code limits}. The bytes are UTF-8 (malformed UTF-8 is refused; an
   * encoding the XML declaration names is not used); a DTD (and so any entity but XML's five) is
   * refused; elements and attributes not in RFC 4575, or in another namespace, are skipped.
   *
   * @throws ConferenceInfoException naming what is wrong, if it is not one or breaks a limit
   */
  public static ConferenceInfo parse(byte[] xml, ConferenceInfoLimits limits) {
    Objects.requireNonNull(xml, "xml");
    Objects.requireNonNull(limits, "limits");
    return new ConferenceInfoReader(limits).read(xml);
  }

  /** The document as XML (UTF-8 declared), in the namespace and element order of RFC 4575 §5. */
  public String toXml() {
    return ConferenceInfoWriter.write(this);
  }

  /** {@link #toXml()} as UTF-8 bytes, ready for a message body. */
  public byte[] toBytes() {
    return toXml().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The conference state after this document receives {@code notification} (RFC 4575 §4.6),
   * whatever their versions (see {@link ConferenceRoster} for ordering): a full notification
   * replaces; a partial one merges. In a merge, conference-description and conference-state
   * values the notification carries replace the held ones ({@code conf-uris} as a whole list);
   * users merge by entity (a deleted user is removed, a full one replaces the held one, a
   * partial one is merged: its values, its roles when it lists any, and its endpoints by entity
   * in the same way, an endpoint's media by id). A {@code users} element marked full replaces
   * every user, one marked deleted removes them all. The result has the notification's version
   * and state full.
   */
  public ConferenceInfo apply(ConferenceInfo notification) {
    return RosterMerge.apply(this, notification);
  }

  /** The conference URI. */
  public String entity() {
    return entity;
  }

  /** Full or partial (deleted is allowed only on inner elements, but is read as written). */
  public State state() {
    return state;
  }

  /** Whether this is a full document. */
  public boolean isFull() {
    return state == State.FULL;
  }

  /** The version (RFC 4575 §5.1: one more for each notification of a subscription). */
  public long version() {
    return version;
  }

  /** conference-description/display-text, or null. */
  public String displayText() {
    return displayText;
  }

  /** conference-description/subject, or null. */
  public String subject() {
    return subject;
  }

  /** conference-description/conf-uris, in document order. */
  public List<ConfUri> confUris() {
    return confUris;
  }

  /** conference-state/user-count, or null. */
  public Integer userCount() {
    return userCount;
  }

  /** conference-state/active, or null. */
  public Boolean active() {
    return active;
  }

  /** conference-state/locked, or null. */
  public Boolean locked() {
    return locked;
  }

  /**
   * The {@code state} of the {@code users} element: full in a full document; in a partial one
   * partial unless written otherwise (an absent attribute is taken as partial there, as senders
   * commonly mean, though the schema's default is full).
   */
  public State usersState() {
    return usersState;
  }

  /** The users, in document order. */
  public List<User> users() {
    return users;
  }

  /** The user of {@code entity}, or null. */
  public User user(String entity) {
    return users.stream().filter(u -> u.entity().equals(entity)).findFirst().orElse(null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConferenceInfo c
        && entity.equals(c.entity) && state == c.state && version == c.version
        && Objects.equals(displayText, c.displayText) && Objects.equals(subject, c.subject)
        && confUris.equals(c.confUris) && Objects.equals(userCount, c.userCount)
        && Objects.equals(active, c.active) && Objects.equals(locked, c.locked)
        && usersState == c.usersState && users.equals(c.users);
  }

  @Override
  public int hashCode() {
    return Objects.hash(entity, state, version, subject, users);
  }

  @Override
  public String toString() {
    return "ConferenceInfo{" + entity + " v" + version + " " + state.wire() + ", "
        + users.size() + " users}";
  }

  static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is missing");
    }
    return value;
  }

  /** Builds a {@link ConferenceInfo}; not thread-safe. */
  public static final class Builder {
    private final String entity;
    private final long version;
    private State state = State.FULL;
    private String displayText;
    private String subject;
    private final List<ConfUri> confUris = new ArrayList<>();
    private Integer userCount;
    private Boolean active;
    private Boolean locked;
    private State usersState;
    private final List<User> users = new ArrayList<>();

    private Builder(String entity, long version) {
      this.entity = requireText(entity, "entity");
      if (version < 0 || version > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("version out of range: " + version);
      }
      this.version = version;
    }

    /** Full (default) or partial. */
    public Builder state(State state) {
      this.state = Objects.requireNonNull(state, "state");
      return this;
    }

    public Builder displayText(String displayText) {
      this.displayText = displayText;
      return this;
    }

    public Builder subject(String subject) {
      this.subject = subject;
      return this;
    }

    /** Appends a conf-uris entry. */
    public Builder addConfUri(ConfUri confUri) {
      confUris.add(Objects.requireNonNull(confUri, "confUri"));
      return this;
    }

    /** Replaces the conf-uris entries. */
    public Builder confUris(List<ConfUri> confUris) {
      this.confUris.clear();
      confUris.forEach(this::addConfUri);
      return this;
    }

    /**
     * Sets conference-state/user-count, or clears it when null.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder userCount(Integer userCount) {
      if (userCount != null && userCount < 0) {
        throw new IllegalArgumentException("userCount is negative: " + userCount);
      }
      this.userCount = userCount;
      return this;
    }

    public Builder active(Boolean active) {
      this.active = active;
      return this;
    }

    public Builder locked(Boolean locked) {
      this.locked = locked;
      return this;
    }

    /** The state of the users element; by default full in a full document, partial otherwise. */
    public Builder usersState(State usersState) {
      this.usersState = usersState;
      return this;
    }

    /** Appends a user. */
    public Builder addUser(User user) {
      users.add(Objects.requireNonNull(user, "user"));
      return this;
    }

    /** Replaces the users. */
    public Builder users(List<User> users) {
      this.users.clear();
      users.forEach(this::addUser);
      return this;
    }

    /** The document. */
    public ConferenceInfo build() {
      return new ConferenceInfo(this);
    }
  }
}
