package io.warren.model;

/**
 * The queue arguments that change how a queue behaves, read and checked once when it is declared.
 * A value of -1 means "not set".
 *
 * @param messageTtl {@code x-message-ttl}: how long a message may wait in the queue, in ms
 * @param expires {@code x-expires}: how long the queue may go unused before it is deleted, in ms
 * @param maxLength {@code x-max-length}: ready messages the queue keeps at most
 * @param maxLengthBytes {@code x-max-length-bytes}: body bytes of ready messages the queue keeps at most
 * @param overflow {@code x-overflow}: what happens to a message beyond those limits
 * @param deadLetterExchange {@code x-dead-letter-exchange} (the empty string is the default
 *     exchange), or null when dead messages are dropped
 * @param deadLetterRoutingKey {@code x-dead-letter-routing-key}, or null to keep the message's own
 * @param deliveryLimit {@code x-delivery-limit}: how often a message may come back before it dies
 * @param countsDeliveries whether the queue counts how often each message came back, and tells
 *     consumers with an {@code x-delivery-count} header, as a RabbitMQ quorum queue does: with a
 *     delivery limit, or when declared with {@code x-queue-type} quorum
 * @param maxPriority {@code x-max-priority}: the highest message priority the queue tells apart
 *     (higher ones count as this); -1 (or 0) for a queue that ignores priorities
 * @param singleActiveConsumer {@code x-single-active-consumer}: only one consumer at a time gets
 *     messages
 */
public record QueueSettings(
    long messageTtl, long expires, long maxLength, long maxLengthBytes, Overflow overflow, String deadLetterExchange,
    String deadLetterRoutingKey, long deliveryLimit, boolean countsDeliveries, int maxPriority,
    boolean singleActiveConsumer) {

  /** {@code x-overflow}: what a queue at its length limit does with one message more. */
  public enum Overflow {
    /** Drop (or dead-letter) the oldest ready messages until the queue is within its limits. */
    DROP_HEAD("drop-head"),
    /** Refuse the new message; a confirming publisher gets basic.nack. */
    REJECT_PUBLISH("reject-publish"),
    /** Refuse the new message, and dead-letter it. */
    REJECT_PUBLISH_DLX("reject-publish-dlx");

    private final String wireName;

    Overflow(String wireName) {
      this.wireName = wireName;
    }

    static Overflow fromWire(String name) {
      for (Overflow o : values()) {
        if (o.wireName.equals(name)) {
          return o;
        }
      }
      return null;
    }
  }

  public static final QueueSettings NONE =
      new QueueSettings(-1, -1, -1, -1, Overflow.DROP_HEAD, null, null, -1, false, -1, false);

  /**
   * The settings {@code arguments} give, checked as RabbitMQ checks them at queue.declare.
   *
   * @throws AmqpFailure 406 PRECONDITION_FAILED with RabbitMQ's text for an invalid argument
   */
  public static QueueSettings of(QueueName queue, Arguments arguments) {
    if (arguments.isEmpty()) {
      return NONE;
    }
    Reader r = new Reader(queue, arguments);
    long expires = r.duration("x-expires", false);
    long messageTtl = r.duration("x-message-ttl", true);
    String dlx = r.deadLetterExchange();
    String dlrk = r.string("x-dead-letter-routing-key");
    if (dlrk != null && dlx == null) {
      throw r.invalid("x-dead-letter-routing-key", "routing_key_but_no_dlx_defined");
    }
    long maxLength = r.nonNegative("x-max-length");
    long maxLengthBytes = r.nonNegative("x-max-length-bytes");
    String overflowName = r.string("x-overflow");
    Overflow overflow = Overflow.DROP_HEAD;
    if (overflowName != null) {
      overflow = Overflow.fromWire(overflowName);
      if (overflow == null) {
        throw r.invalid("x-overflow", "invalid_overflow");
      }
    }
    long deliveryLimit = r.nonNegative("x-delivery-limit");
    boolean quorum = "quorum".equals(arguments.getString("x-queue-type"));
    long maxPriority = r.nonNegative("x-max-priority");
    if (maxPriority > Message.MAX_PRIORITY) {
      throw r.invalid("x-max-priority", "{max_value_exceeded," + maxPriority + "}");
    }
    boolean singleActiveConsumer = r.bool("x-single-active-consumer");
    return new QueueSettings(messageTtl, expires, maxLength, maxLengthBytes, overflow, dlx, dlrk, deliveryLimit,
        deliveryLimit >= 0 || quorum, (int) maxPriority, singleActiveConsumer);
  }

  /**
   * These settings (a queue's own, from its {@code arguments}) with {@code policy} applied, as
   * RabbitMQ 3.10 combines them: of a number both give (TTL, expiry, length limits, delivery
   * limit) the lower one counts; of a name or mode (dead-letter exchange and routing key,
   * overflow) the queue's argument wins. A null policy leaves them as they are.
   */
  public QueueSettings withPolicy(Arguments arguments, Policy policy) {
    if (policy == null) {
      return this;
    }
    long limit = lower(deliveryLimit, policy.integer(Policy.DELIVERY_LIMIT));
    Overflow policyOverflow = Overflow.fromWire(policy.text(Policy.OVERFLOW));
    return new QueueSettings(
        lower(messageTtl, policy.integer(Policy.MESSAGE_TTL)),
        lower(expires, policy.integer(Policy.EXPIRES)),
        lower(maxLength, policy.integer(Policy.MAX_LENGTH)),
        lower(maxLengthBytes, policy.integer(Policy.MAX_LENGTH_BYTES)),
        arguments.containsKey("x-overflow") || policyOverflow == null ? overflow : policyOverflow,
        deadLetterExchange != null ? deadLetterExchange : policy.text(Policy.DEAD_LETTER_EXCHANGE),
        deadLetterRoutingKey != null ? deadLetterRoutingKey : policy.text(Policy.DEAD_LETTER_ROUTING_KEY),
        limit, countsDeliveries || limit >= 0, maxPriority, singleActiveConsumer);
  }

  /** The lower of two optional values (-1: not set). */
  private static long lower(long a, long b) {
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  }

  /**
   * Whether messages are ordered by priority: with {@code x-max-priority} above 0 (RabbitMQ takes
   * 0, and then every message counts as priority 0, which is plain FIFO).
   */
  boolean prioritized() {
    return maxPriority > 0;
  }

  /** Whether the queue refuses messages beyond its limits (rather than dropping its oldest). */
  boolean rejectsWhenFull() {
    return overflow != Overflow.DROP_HEAD;
  }

  /** Whether the queue has a length limit of either kind. */
  boolean limitsLength() {
    return maxLength >= 0 || maxLengthBytes >= 0;
  }

  /** Reads one argument at a time, failing with RabbitMQ's words. */
  private record Reader(QueueName queue, Arguments arguments) {
    long duration(String key, boolean zeroAllowed) {
      if (!arguments.containsKey(key)) {
        return -1;
      }
      long value = integer(key);
      String reason = Expiration.checkDuration(value, zeroAllowed);
      if (reason != null) {
        throw invalid(key, reason);
      }
      return value;
    }

    long nonNegative(String key) {
      if (!arguments.containsKey(key)) {
        return -1;
      }
      long value = integer(key);
      if (value < 0) {
        throw invalid(key, "{value_negative," + value + "}");
      }
      return value;
    }

    private long integer(String key) {
      Object v = arguments.get(key);
      if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
        return ((Number) v).longValue();
      }
      throw invalid(key, "\"expected integer, got " + Arguments.typeName(v) + "\"");
    }

    boolean bool(String key) {
      if (!arguments.containsKey(key)) {
        return false;
      }
      if (arguments.get(key) instanceof Boolean b) {
        return b;
      }
      throw invalid(key, "{unacceptable_type," + Arguments.typeName(arguments.get(key)) + "}");
    }

    String string(String key) {
      if (!arguments.containsKey(key)) {
        return null;
      }
      Object v = arguments.get(key);
      if (v instanceof String || v instanceof Arguments.Bytes) {
        return arguments.getString(key);
      }
      throw invalid(key, "{unacceptable_type," + Arguments.typeName(v) + "}");
    }

    String deadLetterExchange() {
      String key = "x-dead-letter-exchange";
      if (!arguments.containsKey(key)) {
        return null;
      }
      Object v = arguments.get(key);
      if (v instanceof String || v instanceof Arguments.Bytes) {
        return arguments.getString(key);
      }
      throw AmqpFailure.precondition("invalid type '" + Arguments.typeName(v) + "' for arg '" + key + "' in " + queue);
    }

    AmqpFailure invalid(String key, String reason) {
      return AmqpFailure.precondition("invalid arg '" + key + "' for " + queue + ": " + reason);
    }
  }
}
