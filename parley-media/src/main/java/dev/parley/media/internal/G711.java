package dev.parley.media.internal;

/**
 * ITU-T G.711 mu-law and A-law, as in the ITU-T G.191 reference code (the classic {@code g711.c}):
 * 16-bit linear PCM in, 8-bit codes out, and back. Encoding goes through 65,536-entry tables and
 * decoding through 256-entry tables, all built once. Thread-safe (tables are never written after
 * class initialisation).
 */
public final class G711 {
  private static final int SIGN_BIT = 0x80;
  private static final int QUANT_MASK = 0x0f;
  private static final int SEG_SHIFT = 4;
  private static final int SEG_MASK = 0x70;
  private static final int BIAS = 0x84;
  private static final int CLIP = 8159;
  private static final int[] SEG_UEND = {0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff};
  private static final int[] SEG_AEND = {0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff};

  private static final byte[] LINEAR_TO_ULAW = new byte[65536];
  private static final byte[] LINEAR_TO_ALAW = new byte[65536];
  private static final short[] ULAW_TO_LINEAR = new short[256];
  private static final short[] ALAW_TO_LINEAR = new short[256];

  static {
    for (int i = 0; i < 65536; i++) {
      LINEAR_TO_ULAW[i] = (byte) computeUlaw((short) i);
      LINEAR_TO_ALAW[i] = (byte) computeAlaw((short) i);
    }
    for (int i = 0; i < 256; i++) {
      ULAW_TO_LINEAR[i] = computeUlawToLinear(i);
      ALAW_TO_LINEAR[i] = computeAlawToLinear(i);
    }
  }

  private G711() {}

  /** The mu-law code of a 16-bit sample. */
  public static byte linearToUlaw(short sample) {
    return LINEAR_TO_ULAW[sample & 0xffff];
  }

  /** The A-law code of a 16-bit sample. */
  public static byte linearToAlaw(short sample) {
    return LINEAR_TO_ALAW[sample & 0xffff];
  }

  /** The 16-bit sample of a mu-law code. */
  public static short ulawToLinear(byte code) {
    return ULAW_TO_LINEAR[code & 0xff];
  }

  /** The 16-bit sample of an A-law code. */
  public static short alawToLinear(byte code) {
    return ALAW_TO_LINEAR[code & 0xff];
  }

  private static int segment(int value, int[] ends) {
    for (int i = 0; i < ends.length; i++) {
      if (value <= ends[i]) {
        return i;
      }
    }
    return ends.length;
  }

  /** G.191 {@code linear2ulaw} on a 16-bit sample (14-bit magnitude after the shift). */
  private static int computeUlaw(short sample) {
    int pcm = sample >> 2;
    int mask;
    if (pcm < 0) {
      pcm = -pcm;
      mask = 0x7f;
    } else {
      mask = 0xff;
    }
    if (pcm > CLIP) {
      pcm = CLIP;
    }
    pcm += BIAS >> 2;
    int seg = segment(pcm, SEG_UEND);
    if (seg >= 8) {
      return 0x7f ^ mask;
    }
    int uval = (seg << 4) | ((pcm >> (seg + 1)) & 0xf);
    return uval ^ mask;
  }

  /** G.191 {@code linear2alaw} on a 16-bit sample (13-bit magnitude after the shift). */
  private static int computeAlaw(short sample) {
    int pcm = sample >> 3;
    int mask;
    if (pcm >= 0) {
      mask = 0xd5;
    } else {
      mask = 0x55;
      pcm = -pcm - 1;
    }
    int seg = segment(pcm, SEG_AEND);
    if (seg >= 8) {
      return 0x7f ^ mask;
    }
    int aval = seg << SEG_SHIFT;
    aval |= seg < 2 ? (pcm >> 1) & QUANT_MASK : (pcm >> seg) & QUANT_MASK;
    return aval ^ mask;
  }

  /** G.191 {@code ulaw2linear}. */
  private static short computeUlawToLinear(int code) {
    int u = ~code & 0xff;
    int t = ((u & QUANT_MASK) << 3) + BIAS;
    t <<= (u & SEG_MASK) >> SEG_SHIFT;
    return (short) ((u & SIGN_BIT) != 0 ? BIAS - t : t - BIAS);
  }

  /** G.191 {@code alaw2linear}. */
  private static short computeAlawToLinear(int code) {
    int a = (code ^ 0x55) & 0xff;
    int t = (a & QUANT_MASK) << 4;
    int seg = (a & SEG_MASK) >> SEG_SHIFT;
    switch (seg) {
      case 0:
        t += 8;
        break;
      case 1:
        t += 0x108;
        break;
      default:
        t += 0x108;
        t <<= seg - 1;
    }
    return (short) ((a & SIGN_BIT) != 0 ? t : -t);
  }
}
