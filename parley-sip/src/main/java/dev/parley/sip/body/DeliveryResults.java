package dev.parley.sip.body;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parley's IM delivery results, {@value #CONTENT_TYPE}: the body of a conference focus's 200 to a
 * participant's MESSAGE, one final status per recipient ({@code 408} for none in time):
 * <pre>{"results":[{"uri":"sip:bob@d","status":200},{"uri":"sip:carol@d","status":408}]}</pre>
 *
 * <p>Written with {@link #toJson()}, read with {@link #parse(byte[])} (bounded; members other
 * than {@code results}, {@code uri} and {@code status} are ignored). Immutable and thread-safe.
 */
public final class DeliveryResults {
  /** The media type, {@value}. */
  public static final String CONTENT_TYPE = "application/vnd.parley.im-results+json";
  /** Largest body {@link #parse} reads: {@value} bytes. */
  public static final int MAX_BYTES = 64 * 1024;
  /** Most results {@link #parse} reads: {@value}. */
  public static final int MAX_RESULTS = 1000;

  /**
   * One recipient's outcome.
   *
   * @param uri the recipient (its AOR)
   * @param status the final response code of the relayed MESSAGE, 100..699 (408 when none came)
   */
  public record Result(String uri, int status) {
    /**
     * Checks the parts.
     *
     * @throws IllegalArgumentException if the URI is blank or the status out of range
     */
    public Result {
      ConferenceInfo.requireText(uri, "uri");
      if (status < 100 || status > 699) {
        throw new IllegalArgumentException("status out of range: " + status);
      }
    }

    /** Whether the recipient accepted the message (2xx). */
    public boolean isSuccess() {
      return status >= 200 && status < 300;
    }
  }

  private final List<Result> results;

  private DeliveryResults(List<Result> results) {
    this.results = List.copyOf(results);
  }

  /** The results, in this order. */
  public static DeliveryResults of(List<Result> results) {
    return new DeliveryResults(Objects.requireNonNull(results, "results"));
  }

  /**
   * Reads a body.
   *
   * @throws BodyFormatException naming the fault, if it is not JSON of the shape above or is
   *     larger than {@link #MAX_BYTES} or holds more than {@link #MAX_RESULTS} results
   */
  public static DeliveryResults parse(byte[] json) {
    Objects.requireNonNull(json, "json");
    if (json.length > MAX_BYTES) {
      throw new BodyFormatException(CONTENT_TYPE + ": " + json.length + " bytes, more than "
          + MAX_BYTES);
    }
    Object root = SmallJson.parse(new String(json, StandardCharsets.UTF_8), CONTENT_TYPE);
    if (!(root instanceof Map<?, ?> object) || !(object.get("results") instanceof List<?> list)) {
      throw new BodyFormatException(CONTENT_TYPE + ": no \"results\" array");
    }
    if (list.size() > MAX_RESULTS) {
      throw new BodyFormatException(CONTENT_TYPE + ": more than " + MAX_RESULTS + " results");
    }
    List<Result> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> entry) || !(entry.get("uri") instanceof String uri)
          || !(entry.get("status") instanceof Long status)) {
        throw new BodyFormatException(CONTENT_TYPE + ": a result without a string uri and an"
            + " integer status");
      }
      try {
        out.add(new Result(uri, (int) Math.max(Integer.MIN_VALUE, Math.min(status, 1000))));
      } catch (IllegalArgumentException e) {
        throw new BodyFormatException(CONTENT_TYPE + ": " + e.getMessage());
      }
    }
    return new DeliveryResults(out);
  }

  /** The results, in order. */
  public List<Result> results() {
    return results;
  }

  /** The status for {@code uri}, or -1 when it has none. */
  public int statusOf(String uri) {
    return results.stream().filter(r -> r.uri().equals(uri)).mapToInt(Result::status)
        .findFirst().orElse(-1);
  }

  /** The JSON text. */
  public String toJson() {
    StringBuilder sb = new StringBuilder(16 + results.size() * 40).append("{\"results\":[");
    for (int i = 0; i < results.size(); i++) {
      Result r = results.get(i);
      sb.append(i == 0 ? "" : ",").append("{\"uri\":");
      SmallJson.quote(sb, r.uri());
      sb.append(",\"status\":").append(r.status()).append('}');
    }
    return sb.append("]}").toString();
  }

  /** {@link #toJson()} in UTF-8. */
  public byte[] toBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeliveryResults d && results.equals(d.results);
  }

  @Override
  public int hashCode() {
    return results.hashCode();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
