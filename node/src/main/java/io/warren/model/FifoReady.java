package io.warren.model;

import io.warren.model.QueueState.Entry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Ready messages of one priority, in two parts. {@code fresh} holds never-delivered messages in
 * publish order; {@code returned} holds requeued ones ordered by id. Every message ever handed out
 * left from the head, so a returned id is always below every fresh id: the order is simply
 * "returned, then fresh", which puts a requeued message back at its original position.
 */
final class FifoReady implements ReadyMessages {
  private static final Comparator<Entry> BY_ID = Comparator.comparingLong(e -> e.id);

  private final ArrayDeque<Entry> fresh = new ArrayDeque<>();
  private final PriorityQueue<Entry> returned = new PriorityQueue<>(BY_ID);
  private long bytes;

  @Override
  public void addFresh(Entry e) {
    fresh.addLast(e);
    bytes += e.bodySize();
  }

  @Override
  public void addReturned(Entry e) {
    returned.add(e);
    bytes += e.bodySize();
  }

  @Override
  public Entry peek() {
    Entry e = returned.peek();
    return e != null ? e : fresh.peekFirst();
  }

  @Override
  public Entry poll() {
    Entry e = returned.poll();
    if (e == null) {
      e = fresh.pollFirst();
    }
    if (e != null) {
      bytes -= e.bodySize();
    }
    return e;
  }

  @Override
  public int size() {
    return fresh.size() + returned.size();
  }

  @Override
  public long bytes() {
    return bytes;
  }

  boolean isEmpty() {
    return fresh.isEmpty() && returned.isEmpty();
  }

  @Override
  public List<Entry> removeIf(Predicate<Entry> which) {
    List<Entry> removed = new ArrayList<>();
    returned.stream().sorted(BY_ID).filter(which).forEach(removed::add);
    fresh.stream().filter(which).forEach(removed::add);
    if (!removed.isEmpty()) {
      returned.removeIf(which);
      fresh.removeIf(which);
      removed.forEach(e -> bytes -= e.bodySize());
    }
    return removed;
  }

  @Override
  public void forEach(Consumer<Entry> action) {
    returned.stream().sorted(BY_ID).forEach(action);
    fresh.forEach(action);
  }

  @Override
  public void clear() {
    fresh.clear();
    returned.clear();
    bytes = 0;
  }
}
