package io.warren.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A RabbitMQ policy: the settings in {@code definition} apply to the queues (and/or exchanges) of
 * {@code vhost} whose name matches {@code pattern} (a regular expression found anywhere in the
 * name, as RabbitMQ's {@code re:run}); of several matching policies the one with the highest
 * {@code priority} applies, only that one. A policy is checked when it is made, so one that
 * exists is valid.
 *
 * <p>Definition keys Warren acts on: {@value #MESSAGE_TTL}, {@value #EXPIRES}, {@value
 * #DEAD_LETTER_EXCHANGE}, {@value #DEAD_LETTER_ROUTING_KEY}, {@value #MAX_LENGTH}, {@value
 * #MAX_LENGTH_BYTES}, {@value #OVERFLOW}, {@value #DELIVERY_LIMIT} (see {@link
 * QueueSettings#withPolicy}). Keys RabbitMQ knows for features Warren does not have (mirroring,
 * queue modes and versions, federation, streams, alternate exchanges) are kept, shown and
 * ignored; any other key is refused, as RabbitMQ refuses it.
 */
public record Policy(String vhost, String name, String pattern, ApplyTo applyTo, int priority, Arguments definition) {
  public static final String MESSAGE_TTL = "message-ttl";
  public static final String EXPIRES = "expires";
  public static final String DEAD_LETTER_EXCHANGE = "dead-letter-exchange";
  public static final String DEAD_LETTER_ROUTING_KEY = "dead-letter-routing-key";
  public static final String MAX_LENGTH = "max-length";
  public static final String MAX_LENGTH_BYTES = "max-length-bytes";
  public static final String OVERFLOW = "overflow";
  public static final String DELIVERY_LIMIT = "delivery-limit";

  /** Keys RabbitMQ 3.10 (with its bundled plugins) accepts, for features Warren does not have. */
  private static final Set<String> IGNORED_KEYS = Set.of(
      "alternate-exchange", "queue-mode", "queue-version", "queue-master-locator", "queue-leader-locator",
      "ha-mode", "ha-params", "ha-sync-mode", "ha-sync-batch-size", "ha-promote-on-shutdown",
      "ha-promote-on-failure", "federation-upstream", "federation-upstream-set", "federation-upstream-pattern",
      "max-age", "stream-max-segment-size-bytes", "max-in-memory-length", "max-in-memory-bytes",
      "dead-letter-strategy", "consumer-timeout", "initial-cluster-size");

  /** What kind of object a policy applies to ({@code apply-to}). */
  public enum ApplyTo {
    QUEUES("queues"),
    EXCHANGES("exchanges"),
    ALL("all");

    private final String wireName;

    ApplyTo(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    /** The value for an {@code apply-to} text, or null when it is not one. */
    public static ApplyTo fromWire(String name) {
      for (ApplyTo a : values()) {
        if (a.wireName.equals(name)) {
          return a;
        }
      }
      return null;
    }
  }

  /** @throws IllegalArgumentException with RabbitMQ's reason when the policy is not valid */
  public Policy {
    Objects.requireNonNull(vhost);
    Objects.requireNonNull(name);
    Objects.requireNonNull(pattern);
    Objects.requireNonNull(applyTo);
    Objects.requireNonNull(definition);
    compile(pattern);
    check(definition);
  }

  public boolean appliesToQueues() {
    return applyTo != ApplyTo.EXCHANGES;
  }

  public boolean appliesToExchanges() {
    return applyTo != ApplyTo.QUEUES;
  }

  static Pattern compile(String pattern) {
    try {
      return Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("Validation failed\n\n" + pattern + " is not a valid regular expression: "
          + e.getDescription());
    }
  }

  /** Checks a definition as RabbitMQ's policy validators do. */
  private static void check(Arguments definition) {
    if (definition.isEmpty()) {
      throw new IllegalArgumentException("Validation failed\n\nno policy provided");
    }
    List<String> unknown = new ArrayList<>(); // as RabbitMQ prints them: {<<"key">>,value}
    for (var e : definition.asMap().entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      String problem = switch (key) {
        case DEAD_LETTER_EXCHANGE -> isText(v) ? null : " is not a valid dead letter exchange name";
        case DEAD_LETTER_ROUTING_KEY -> isText(v) ? null : " is not a valid dead letter routing key";
        case MESSAGE_TTL -> integerAtLeast(v, 0) ? null : " is not a valid message TTL";
        case EXPIRES -> integerAtLeast(v, 1) ? null : " is not a valid queue expiry";
        case MAX_LENGTH -> integerAtLeast(v, 0) ? null : " is not a valid maximum length";
        case MAX_LENGTH_BYTES -> integerAtLeast(v, 0) ? null : " is not a valid maximum length in bytes";
        case DELIVERY_LIMIT -> integerAtLeast(v, 0) ? null : " is not a valid delivery limit";
        case OVERFLOW -> isText(v) && QueueSettings.Overflow.fromWire(textOf(v)) != null
            ? null : " is not a valid overflow value";
        default -> {
          if (!IGNORED_KEYS.contains(key)) {
            unknown.add("{" + render(key) + "," + render(v) + "}");
          }
          yield null;
        }
      };
      if (problem != null) {
        throw new IllegalArgumentException("Validation failed\n\n" + render(v) + problem);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("Validation failed\n\n[" + String.join(",", unknown)
          + "] are not recognised policy settings");
    }
  }

  /** The integer value of {@code key}, or -1 when the definition has none. */
  long integer(String key) {
    Object v = definition.get(key);
    return v == null ? -1 : ((Number) v).longValue();
  }

  /** The text value of {@code key}, or null when the definition has none. */
  String text(String key) {
    Object v = definition.get(key);
    return v == null ? null : textOf(v);
  }

  private static boolean integerAtLeast(Object v, long min) {
    return (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long)
        && ((Number) v).longValue() >= min;
  }

  private static boolean isText(Object v) {
    return v instanceof String || v instanceof Arguments.Bytes;
  }

  private static String textOf(Object v) {
    return v instanceof Arguments.Bytes b ? new String(b.bytes(), java.nio.charset.StandardCharsets.UTF_8) : (String) v;
  }

  private static String render(Object v) {
    return isText(v) ? "<<\"" + textOf(v) + "\">>" : String.valueOf(v);
  }
}
