package io.warren.node.amqp;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of {@link MessageEvent}s that many event loops add to: the node's totals, which outlive
 * the connections that made them.
 */
final class MessageCounters {
  private final LongAdder[] adders = new LongAdder[MessageEvent.values().length];

  MessageCounters() {
    for (int i = 0; i < adders.length; i++) {
      adders[i] = new LongAdder();
    }
  }

  void add(MessageEvent event, long n) {
    adders[event.ordinal()].add(n);
  }

  MessageCounts snapshot() {
    long[] values = new long[adders.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = adders[i].sum();
    }
    return MessageCounts.copyOf(values);
  }
}
