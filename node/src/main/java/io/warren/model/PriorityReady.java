package io.warren.model;

import io.warren.model.QueueState.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The ready messages of a priority queue: one {@link FifoReady} per priority, the highest
 * delivered first. A message's priority above the queue's maximum counts as the maximum; no
 * priority property counts as 0.
 */
final class PriorityReady implements ReadyMessages {
  /** Index = priority. */
  private final FifoReady[] levels;
  private int size;
  private long bytes;

  PriorityReady(int maxPriority) {
    levels = new FifoReady[maxPriority + 1];
    for (int p = 0; p <= maxPriority; p++) {
      levels[p] = new FifoReady();
    }
  }

  private FifoReady levelOf(Entry e) {
    return levels[Math.min(e.message.priority(), levels.length - 1)];
  }

  /** The highest priority that has a message, or null. */
  private FifoReady top() {
    if (size == 0) {
      return null;
    }
    for (int p = levels.length - 1; p >= 0; p--) {
      if (!levels[p].isEmpty()) {
        return levels[p];
      }
    }
    throw new IllegalStateException("size " + size + " but no level has a message");
  }

  @Override
  public void addFresh(Entry e) {
    levelOf(e).addFresh(e);
    size++;
    bytes += e.bodySize();
  }

  @Override
  public void addReturned(Entry e) {
    levelOf(e).addReturned(e);
    size++;
    bytes += e.bodySize();
  }

  @Override
  public Entry peek() {
    FifoReady top = top();
    return top == null ? null : top.peek();
  }

  @Override
  public Entry poll() {
    FifoReady top = top();
    if (top == null) {
      return null;
    }
    Entry e = top.poll();
    size--;
    bytes -= e.bodySize();
    return e;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public long bytes() {
    return bytes;
  }

  @Override
  public List<Entry> removeIf(Predicate<Entry> which) {
    List<Entry> removed = new ArrayList<>();
    for (int p = levels.length - 1; p >= 0; p--) {
      removed.addAll(levels[p].removeIf(which));
    }
    size -= removed.size();
    removed.forEach(e -> bytes -= e.bodySize());
    return removed;
  }

  @Override
  public void forEach(Consumer<Entry> action) {
    for (int p = levels.length - 1; p >= 0; p--) {
      levels[p].forEach(action);
    }
  }

  @Override
  public void clear() {
    for (FifoReady level : levels) {
      level.clear();
    }
    size = 0;
    bytes = 0;
  }
}
