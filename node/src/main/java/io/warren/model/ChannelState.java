package io.warren.model;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** What the model knows of one open channel. Mutated only by the model. */
final class ChannelState {
  final ChannelRef ref;
  /** Consumers by tag, in the order they were created. */
  final Map<String, ConsumerState> consumers = new LinkedHashMap<>();
  /** Queues this channel consumes from or holds messages of (insertion order: deterministic). */
  final Set<QueueState> queues = new LinkedHashSet<>();
  /** Channel-wide limit on unacked consumer deliveries (basic.qos global); 0 = none. */
  int prefetch;
  /** Unacked deliveries to this channel's consumers, counted against {@link #prefetch}. */
  int unacked;
  boolean flowActive = true;

  ChannelState(ChannelRef ref) {
    this.ref = ref;
  }
}
