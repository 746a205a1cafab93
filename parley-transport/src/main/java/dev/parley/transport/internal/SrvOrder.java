package dev.parley.transport.internal;

import dev.parley.transport.internal.DnsRecords.Srv;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The order in which to try SRV targets, RFC 2782 ("Usage rules"): lowest priority first; among
 * equal priorities, a weighted random choice repeated until none is left:
 *
 * <blockquote>To select a target to be contacted next, arrange all SRV RRs (that have not been
 * ordered yet) in any order, except that all those with weight 0 are placed at the beginning of the
 * list. Compute the sum of the weights of those RRs, and with each RR associate the running sum in
 * the selected order. Then choose a uniform random number between 0 and the sum computed
 * (inclusive), and select the RR whose running sum value is the first in the selected order which
 * is greater than or equal to the random number selected.</blockquote>
 *
 * <p>Stateless; the {@link Random} decides, so a seeded one gives a repeatable order.
 */
public final class SrvOrder {
  private SrvOrder() {}

  /**
   * The records in the order to try them. A lone record whose target is "." (service decidedly not
   * available) gives an empty list; "." targets among others are dropped.
   */
  public static List<Srv> order(List<Srv> records, Random random) {
    List<Srv> usable = new ArrayList<>(records.size());
    for (Srv r : records) {
      if (!r.target().isEmpty()) {
        usable.add(r);
      }
    }
    usable.sort(Comparator.comparingInt(Srv::priority));
    List<Srv> ordered = new ArrayList<>(usable.size());
    int start = 0;
    while (start < usable.size()) {
      int end = start;
      while (end < usable.size() && usable.get(end).priority() == usable.get(start).priority()) {
        end++;
      }
      orderByWeight(new ArrayList<>(usable.subList(start, end)), random, ordered);
      start = end;
    }
    return ordered;
  }

  private static void orderByWeight(List<Srv> group, Random random, List<Srv> out) {
    // weight 0 at the beginning, keeping the received order otherwise
    group.sort(Comparator.comparingInt(r -> r.weight() == 0 ? 0 : 1));
    while (!group.isEmpty()) {
      long sum = 0;
      for (Srv r : group) {
        sum += r.weight();
      }
      long pick = sum == 0 ? 0 : random.nextInt((int) Math.min(sum + 1, Integer.MAX_VALUE));
      long running = 0;
      int chosen = group.size() - 1;
      for (int i = 0; i < group.size(); i++) {
        running += group.get(i).weight();
        if (running >= pick) {
          chosen = i;
          break;
        }
      }
      out.add(group.remove(chosen));
    }
  }
}
