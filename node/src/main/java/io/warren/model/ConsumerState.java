package io.warren.model;

/** A consumer registered on a queue. Mutated only by the model. */
public final class ConsumerState {
  final ChannelState channel;
  final String tag;
  final QueueState queue;
  final boolean noAck;
  final boolean exclusive;
  final int prefetch;
  final Arguments arguments;
  /** Its {@code x-priority} argument, 0 without: see {@link ConsumerRotation}. */
  final long priority;
  /** Deliveries the front end will still accept before it grants more. */
  /** In units of {@link Message#creditUnits()}; a delivery may take it below zero. */
  int credit;
  /** Deliveries to this consumer not yet settled (ack mode only). */
  int unacked;
  boolean cancelled;

  ConsumerState(ChannelState channel, String tag, QueueState queue, boolean noAck, boolean exclusive, int prefetch,
      int credit, Arguments arguments) {
    this.channel = channel;
    this.tag = tag;
    this.queue = queue;
    this.noAck = noAck;
    this.exclusive = exclusive;
    this.prefetch = prefetch;
    this.credit = credit;
    this.arguments = arguments;
    this.priority = priorityOf(arguments, queue.name());
  }

  /**
   * The {@code x-priority} consumer argument: any integer, negative ones included, as in RabbitMQ.
   *
   * @throws AmqpFailure 406 with RabbitMQ's text when it is not an integer
   */
  static long priorityOf(Arguments arguments, QueueName queue) {
    if (arguments.isEmpty() || !arguments.containsKey("x-priority")) {
      return 0;
    }
    Object v = arguments.get("x-priority");
    if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    throw AmqpFailure.precondition("invalid arg 'x-priority' for " + queue + ": \"expected integer, got "
        + Arguments.typeName(v) + "\"");
  }

  /** Whether one more message may go to this consumer now. */
  boolean canTake() {
    if (credit <= 0 || !channel.flowActive) {
      return false;
    }
    if (noAck) {
      return true;
    }
    return (prefetch == 0 || unacked < prefetch)
        && (channel.prefetch == 0 || channel.unacked < channel.prefetch);
  }

  public String tag() {
    return tag;
  }

  public ChannelRef channel() {
    return channel.ref;
  }

  public boolean noAck() {
    return noAck;
  }

  public int prefetch() {
    return prefetch;
  }

  public int unacked() {
    return unacked;
  }

  public int credit() {
    return credit;
  }

  public long priority() {
    return priority;
  }
}
