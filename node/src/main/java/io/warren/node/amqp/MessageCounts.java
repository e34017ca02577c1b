package io.warren.node.amqp;

import java.util.Arrays;

/** How many of each {@link MessageEvent} happened, at one moment. Immutable. */
public final class MessageCounts {
  public static final MessageCounts ZERO = new MessageCounts(new long[MessageEvent.values().length]);

  private final long[] counts;

  private MessageCounts(long[] counts) {
    this.counts = counts;
  }

  /** A copy of {@code counts}, indexed by {@link MessageEvent#ordinal()}. */
  static MessageCounts copyOf(long[] counts) {
    return new MessageCounts(Arrays.copyOf(counts, MessageEvent.values().length));
  }

  public long get(MessageEvent event) {
    return counts[event.ordinal()];
  }

  /** RabbitMQ's {@code deliver_get}: everything handed to a client, by consumers or basic.get. */
  public long deliverGet() {
    return get(MessageEvent.DELIVER) + get(MessageEvent.DELIVER_NO_ACK) + get(MessageEvent.GET)
        + get(MessageEvent.GET_NO_ACK);
  }

  public MessageCounts plus(MessageCounts other) {
    long[] sum = new long[counts.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = counts[i] + other.counts[i];
    }
    return new MessageCounts(sum);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageCounts m && Arrays.equals(counts, m.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return Arrays.toString(counts);
  }
}
