package io.warren.model;

/** A consumer registered on a queue. Mutated only by the model. */
public final class ConsumerState {
  /** The smallest prefetch given a lookahead window (see {@link #window()}). */
  private static final int LOOKAHEAD_FROM = 100;

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
    return (prefetch == 0 || unacked < window())
        && (channel.prefetch == 0 || channel.unacked < channel.prefetch);
  }

  /**
   * How many unsettled deliveries this consumer may have in the model: its prefetch, or twice a
   * prefetch of at least {@link #LOOKAHEAD_FROM} when the channel sets no limit of its own.
   *
   * <p>Why: a settle frees room only when it is applied, one log commit after the client sent it.
   * With a window of exactly the prefetch, a consumer could never take more than prefetch messages
   * per commit round trip. With twice the window, the next messages are already at the
   * consumer's node when its acks arrive. That node holds back whatever is beyond the client's
   * prefetch, so the client never has more than it asked for; a message held back and never
   * delivered goes back unmarked ({@link Command.Outcome#RETURN}). Small prefetches keep their exact
   * window: they are chosen for fair dispatch among consumers, which a lookahead would defeat.
   */
  int window() {
    return prefetch >= LOOKAHEAD_FROM && channel.prefetch == 0 ? 2 * prefetch : prefetch;
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
