package io.warren.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a history against what a broker with publisher confirms and manual acks promises:
 *
 * <ul>
 *   <li>every confirmed message was delivered at least once (none lost);
 *   <li>nothing was delivered that was not published;
 *   <li>a message delivered more than once carries redelivered on every delivery after the first;
 *   <li>per queue and consumer session, first deliveries (redelivered unset) of one producer
 *       session's messages come in publish order.
 * </ul>
 */
final class Checker {
  /** Examples of each kind of violation kept in the report. */
  private static final int EXAMPLES = 10;

  private Checker() {}

  /**
   * The figures and every violation found.
   *
   * @param deliveries deliveries in all, drains included
   * @param delivered distinct messages delivered
   * @param duplicates messages delivered more than once
   * @param lost confirmed messages never delivered
   */
  record Report(int published, int confirmed, int nacked, int deliveries, int delivered, int duplicates,
      int lost, int unconfirmedDelivered, List<String> violations) {
    String figures() {
      return String.format("published %d, confirmed %d, nacked %d, deliveries %d, delivered %d, duplicates %d, "
              + "lost %d, delivered unconfirmed %d, violations %d",
          published, confirmed, nacked, deliveries, delivered, duplicates, lost, unconfirmedDelivered,
          violations.size());
    }
  }

  static Report check(History history) {
    Map<MessageId, String> published = history.published();
    Set<MessageId> confirmed = history.confirmed();
    List<History.Delivery> deliveries = history.deliveries();
    List<String> violations = new ArrayList<>();

    Map<MessageId, List<History.Delivery>> byId = new LinkedHashMap<>();
    for (History.Delivery d : deliveries) {
      byId.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(d);
    }

    Set<MessageId> lost = new TreeSet<>(confirmed);
    lost.removeAll(byId.keySet());
    lost.stream().limit(EXAMPLES).forEach(id ->
        violations.add("lost: " + id + " confirmed to " + published.get(id) + ", never delivered"));
    if (lost.size() > EXAMPLES) {
      violations.add("lost: " + (lost.size() - EXAMPLES) + " more");
    }

    byId.keySet().stream().filter(id -> !published.containsKey(id)).sorted().limit(EXAMPLES)
        .forEach(id -> violations.add("phantom: " + id + " delivered, never published: " + byId.get(id)));

    int duplicates = 0;
    List<String> unflagged = new ArrayList<>();
    for (Map.Entry<MessageId, List<History.Delivery>> e : byId.entrySet()) {
      List<History.Delivery> ds = e.getValue();
      if (ds.size() > 1) {
        duplicates++;
        if (ds.subList(1, ds.size()).stream().anyMatch(d -> !d.redelivered())) {
          unflagged.add("redelivered without the flag: " + e.getKey() + " " + ds);
        }
      }
    }
    addExamples(violations, unflagged);
    addExamples(violations, outOfOrder(deliveries, published));

    Set<MessageId> unconfirmedDelivered = new HashSet<>(byId.keySet());
    unconfirmedDelivered.removeAll(confirmed);
    return new Report(published.size(), confirmed.size(), history.nacked().size(), deliveries.size(),
        byId.size(), duplicates, lost.size(), unconfirmedDelivered.size(), violations);
  }

  /**
   * First deliveries out of publish order: per queue, consumer session and producer session, the
   * sequence numbers of deliveries without the redelivered flag must rise.
   */
  private static List<String> outOfOrder(List<History.Delivery> deliveries, Map<MessageId, String> published) {
    record Stream(String queue, String consumer, String producer) {}
    Map<Stream, MessageId> last = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (History.Delivery d : deliveries) {
      String producer = published.get(d.id());
      if (d.redelivered() || producer == null) {
        continue;
      }
      MessageId before = last.put(new Stream(d.queue(), d.consumer(), producer), d.id());
      if (before != null && before.seq() >= d.id().seq()) {
        out.add("out of order: " + d.consumer() + " got " + d.id() + " after " + before + " (both first deliveries)");
      }
    }
    return out;
  }

  private static void addExamples(List<String> violations, List<String> found) {
    found.stream().limit(EXAMPLES).forEach(violations::add);
    if (found.size() > EXAMPLES) {
      violations.add("... and " + (found.size() - EXAMPLES) + " more like the last");
    }
  }
}
