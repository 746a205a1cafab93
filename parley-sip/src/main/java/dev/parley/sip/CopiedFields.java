package dev.parley.sip;

/**
 * The fields a response copies from its request ({@link SipRequest#response(int, String)}, RFC
 * 3261 §8.2.6.2), held by the response's builder as places in the request's fields rather than as
 * text: a value still bytes of the parsed request stays those bytes in the response (encoded by
 * copying them, read by the fast path from them), none decoded into a String to be encoded back.
 * They come first in the response, before every field the builder is given; an edit of the
 * builder that could touch them ({@link #addTo}) writes them into it as text, as before.
 * Immutable.
 */
final class CopiedFields {
  private final Headers request;
  /** The request's fields copied: bit i for the field at index i (a request of at most 64). */
  private final long copied;
  private final int count;
  /** The index of the To field whose text is {@link #to}, or -1. */
  private final int toIndex;
  /** To with the tag the response adds, or null. */
  private final String to;
  /** Whether {@link #toTag} is the tag of the response's To (null: none), known without parsing it. */
  private final boolean toTagKnown;
  private final String toTag;
  /**
   * The request's CSeq as its typed read gave it (the response copies the same bytes), or null
   * when not read yet or not to be trusted for the copy (violations, several CSeq fields).
   */
  private final CSeq cseq;
  /** The index of {@link #cseq} among the response's fields, or -1. */
  private final int cseqPosition;

  CopiedFields(Headers request, long copied, int toIndex, String to, boolean toTagKnown,
      String toTag, CSeq cseq, int cseqIndex) {
    this.request = request;
    this.copied = copied;
    this.count = Long.bitCount(copied);
    this.toIndex = toIndex;
    this.to = to;
    this.toTagKnown = toTagKnown;
    this.toTag = toTag;
    boolean kept = cseq != null && (copied & (1L << cseqIndex)) != 0;
    this.cseq = kept ? cseq : null;
    this.cseqPosition = kept ? Long.bitCount(copied & ((1L << cseqIndex) - 1)) : -1;
  }

  /**
   * The typed cache of a response whose fields {@link #before} made: the request's CSeq read
   * already, at its place (the transaction layer reads every response's CSeq), or null.
   */
  Object[] typedCache(int size) {
    if (cseq == null) {
      return null;
    }
    Object[] cache = new Object[size];
    cache[cseqPosition] = cseq;
    return cache;
  }

  boolean toTagKnown() {
    return toTagKnown;
  }

  String toTag() {
    return toTag;
  }

  /** The text of the copied field at {@code index} of the request, as the response writes it. */
  private String text(int index) {
    return index == toIndex ? to : request.value(index);
  }

  /**
   * Writes the copied fields into {@code b} before the fields it holds, each with its header
   * name's canonical spelling, as the builder would have been given them.
   */
  void addTo(Headers.Builder b) {
    for (int i = 63 - Long.numberOfLeadingZeros(copied); i >= 0; i--) {
      if ((copied & (1L << i)) != 0) {
        b.addFirst(request.headerName(i), text(i));
      }
    }
  }

  /**
   * The response's fields: the copied ones, then {@code rest} (what the builder was given, with
   * Content-Length), equal to the fields {@link #addTo} and the builder would make. A copied value
   * that is still bytes of the request's source stays those bytes.
   */
  Headers before(Headers rest) {
    int n = count + rest.size();
    HeaderName[] headerNames = new HeaderName[n];
    String[] values = new String[n];
    String[] names = null;
    byte[] source = request.source();
    int[] meta = source == null ? null : new int[2 * n];
    long left = copied;
    for (int k = 0; k < count; k++) {
      int i = Long.numberOfTrailingZeros(left);
      left &= left - 1;
      headerNames[k] = request.headerName(i);
      int from = i == toIndex || source == null ? -1 : request.sourceStart(i);
      if (from >= 0) {
        meta[2 * k] = from;
        meta[2 * k + 1] = request.sourceEnd(i);
      } else {
        values[k] = text(i);
        if (meta != null) {
          meta[2 * k] = -1;
        }
      }
    }
    for (int j = 0; j < rest.size(); j++) {
      int k = count + j;
      HeaderName name = rest.headerName(j);
      String spelling = rest.name(j);
      headerNames[k] = name;
      values[k] = rest.value(j);
      if (meta != null) {
        meta[2 * k] = -1;
      }
      if (names == null && !spelling.equals(name.name())) {
        names = new String[n];
        for (int m = 0; m < k; m++) {
          names[m] = headerNames[m].name();
        }
      }
      if (names != null) {
        names[k] = spelling;
      }
    }
    return new Headers(n, names, headerNames, values, source, meta, 0);
  }
}
