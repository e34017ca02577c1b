package io.warren.model;

import java.util.List;

/**
 * RabbitMQ's {@code x-queue-type} and {@code x-queue-mode} queue arguments. Both kinds of queue
 * RabbitMQ 3.10 offers for messaging map to Warren's queues (replicated when durable), so the type
 * only decides what a declaration may say, checked with RabbitMQ 3.10's words: a quorum queue must
 * be durable, neither exclusive nor auto-delete, named by the client, and takes none of the
 * classic-only arguments. A quorum queue also counts deliveries ({@link QueueSettings}).
 *
 * <p>{@code stream} is refused as an unsupported type: a stream is an append-only log read from an
 * offset, which Warren's queues are not, and accepting it as a queue would silently change what a
 * stream client gets.
 */
enum QueueType {
  CLASSIC("classic", "rabbit_classic_queue"),
  QUORUM("quorum", "rabbit_quorum_queue");

  private static final String TYPE = "x-queue-type";
  private static final String MODE = "x-queue-mode";

  /** Arguments RabbitMQ 3.10 knows and refuses on a quorum queue. */
  private static final List<String> NOT_FOR_QUORUM = List.of(
      "x-max-priority", MODE, "x-queue-version", "x-queue-master-locator", "x-max-age",
      "x-stream-max-segment-size-bytes", "x-initial-cluster-size");

  private final String wireName;
  private final String moduleName;

  QueueType(String wireName, String moduleName) {
    this.wireName = wireName;
    this.moduleName = moduleName;
  }

  /**
   * The type {@code arguments} name (classic when none), with {@code x-queue-type} and {@code
   * x-queue-mode} checked for any declaration, new or not.
   *
   * @throws AmqpFailure 406 PRECONDITION_FAILED with RabbitMQ's text
   */
  static QueueType of(QueueName queue, Arguments arguments) {
    if (arguments.isEmpty()) {
      return CLASSIC;
    }
    QueueType type = CLASSIC;
    String name = string(queue, arguments, TYPE);
    if (name != null) {
      type = fromWire(name);
      if (type == null) {
        throw invalid(queue, TYPE, "\"unsupported queue type '" + name + "'\"");
      }
    }
    if (type == QUORUM) {
      for (String key : NOT_FOR_QUORUM) {
        if (arguments.containsKey(key)) {
          throw AmqpFailure.precondition("invalid arg '" + key + "' for " + queue + " of queue type " + type.moduleName);
        }
      }
    }
    String mode = string(queue, arguments, MODE);
    if (mode != null && !mode.equals("default") && !mode.equals("lazy")) {
      throw invalid(queue, MODE, "\"unsupported queue mode '" + mode + "'\"");
    }
    return type;
  }

  /** Checks what a new queue of this type must be (RabbitMQ checks it on creation only). */
  void checkNew(QueueName queue, boolean durable, boolean exclusive, boolean autoDelete, boolean serverNamed) {
    if (this != QUORUM) {
      return;
    }
    if (exclusive) {
      throw invalidProperty(queue, "exclusive-owner");
    }
    if (!durable) {
      throw invalidProperty(queue, "non-durable");
    }
    if (autoDelete) {
      throw invalidProperty(queue, "auto-delete");
    }
    if (serverNamed) {
      throw AmqpFailure.precondition("Cannot declare a server-named queue for type " + moduleName);
    }
  }

  /**
   * Checks a redeclaration: RabbitMQ compares the queue types (no argument means classic) and, when
   * they differ, names the arguments as they were given.
   */
  static void assertEquivalent(QueueName queue, Arguments received, Arguments current) {
    if (of(queue, received) != of(queue, current)) {
      throw AmqpFailure.precondition("inequivalent arg '" + TYPE + "' for " + queue + ": received "
          + Arguments.describe(received, TYPE, current) + " but current is " + Arguments.describe(current, TYPE, received));
    }
  }

  private static QueueType fromWire(String name) {
    for (QueueType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    return null;
  }

  private static String string(QueueName queue, Arguments arguments, String key) {
    if (!arguments.containsKey(key)) {
      return null;
    }
    Object v = arguments.get(key);
    if (v instanceof String || v instanceof Arguments.Bytes) {
      return arguments.getString(key);
    }
    throw invalid(queue, key, "{unacceptable_type," + Arguments.typeName(v) + "}");
  }

  private static AmqpFailure invalid(QueueName queue, String key, String reason) {
    return AmqpFailure.precondition("invalid arg '" + key + "' for " + queue + ": " + reason);
  }

  private static AmqpFailure invalidProperty(QueueName queue, String property) {
    return AmqpFailure.precondition("invalid property '" + property + "' for " + queue);
  }
}
