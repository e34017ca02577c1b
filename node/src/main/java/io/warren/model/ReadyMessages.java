package io.warren.model;

import io.warren.model.QueueState.Entry;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A queue's ready messages in delivery order. A plain queue keeps one FIFO ({@link FifoReady}); a
 * priority queue ({@code x-max-priority}) one per priority ({@link PriorityReady}), so a queue
 * without priorities never pays for them. Everything that looks at "the head" (delivery, get,
 * expiry, drop-head) sees the delivery order, as RabbitMQ's priority queues do: drop-head drops
 * the highest priority's oldest message, and an expired message waits behind live ones of a
 * higher priority.
 */
sealed interface ReadyMessages permits FifoReady, PriorityReady {
  static ReadyMessages forQueue(QueueSettings settings) {
    return settings.prioritized() ? new PriorityReady(settings.maxPriority()) : new FifoReady();
  }

  /** A message enqueued now: behind every ready message of its priority. */
  void addFresh(Entry e);

  /** A message that comes back: at its original position (by id) within its priority. */
  void addReturned(Entry e);

  /** The next message to deliver, or null. */
  Entry peek();

  /** Takes the next message to deliver, or null. */
  Entry poll();

  int size();

  /** Body bytes of the ready messages. */
  long bytes();

  /** Removes the messages {@code which} selects; returns them in delivery order. */
  List<Entry> removeIf(Predicate<Entry> which);

  /** Every ready message, in delivery order. */
  void forEach(Consumer<Entry> action);

  void clear();
}
