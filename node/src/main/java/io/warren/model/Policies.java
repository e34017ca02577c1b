package io.warren.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The policies of every vhost, and which one applies to a queue or exchange. Iteration is in
 * vhost and name order, so every replica that holds the same policies picks the same one.
 */
public final class Policies {
  private record Entry(Policy policy, Pattern pattern) {}

  private final Map<String, Map<String, Entry>> byVhost = new TreeMap<>();

  /** Adds or replaces the policy of that vhost and name. */
  void put(Policy p) {
    byVhost.computeIfAbsent(p.vhost(), v -> new TreeMap<>()).put(p.name(), new Entry(p, Policy.compile(p.pattern())));
  }

  /** Removes the policy; false when there was none. */
  boolean remove(String vhost, String name) {
    Map<String, Entry> policies = byVhost.get(vhost);
    if (policies == null || policies.remove(name) == null) {
      return false;
    }
    if (policies.isEmpty()) {
      byVhost.remove(vhost);
    }
    return true;
  }

  public Optional<Policy> get(String vhost, String name) {
    Map<String, Entry> policies = byVhost.get(vhost);
    Entry e = policies == null ? null : policies.get(name);
    return e == null ? Optional.empty() : Optional.of(e.policy());
  }

  /** Every policy, by vhost and name. */
  public List<Policy> all() {
    List<Policy> out = new ArrayList<>();
    byVhost.values().forEach(m -> m.values().forEach(e -> out.add(e.policy())));
    return out;
  }

  /** The policy that applies to the queue, or null. */
  public Policy forQueue(QueueName queue) {
    return match(queue.vhost(), queue.name(), true);
  }

  /** The policy that applies to the exchange, or null. */
  public Policy forExchange(ExchangeName exchange) {
    return match(exchange.vhost(), exchange.name(), false);
  }

  /**
   * The matching policy of the highest priority. RabbitMQ leaves a tie to the order of its
   * parameter table; here the name that sorts first wins, the same on every node.
   */
  private Policy match(String vhost, String name, boolean queue) {
    Map<String, Entry> policies = byVhost.get(vhost);
    if (policies == null) {
      return null;
    }
    Policy best = null;
    for (Entry e : policies.values()) {
      Policy p = e.policy();
      boolean kind = queue ? p.appliesToQueues() : p.appliesToExchanges();
      if (kind && (best == null || p.priority() > best.priority()) && e.pattern().matcher(name).find()) {
        best = p;
      }
    }
    return best;
  }
}
