package io.warren.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Futures waiting for this replica to apply a log index. The apply thread calls {@link #advance}
 * after each entry; waiting futures are handed to the caller to complete elsewhere, because user
 * callbacks must not run on the apply thread.
 */
final class AppliedWaiters {
  private final TreeMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>();
  private long applied = -1;
  /** When this replica last applied something, or the first waiter came after a quiet spell. */
  private long progressNanos;

  /** A future completed once {@code index} is applied (at once if it already is). */
  synchronized CompletableFuture<Void> await(long index) {
    if (index <= applied) {
      return CompletableFuture.completedFuture(null);
    }
    if (waiting.isEmpty()) {
      progressNanos = System.nanoTime();
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    waiting.computeIfAbsent(index, i -> new ArrayList<>(1)).add(f);
    return f;
  }

  /** Records that everything up to {@code index} is applied; returns the futures now due. */
  synchronized List<CompletableFuture<Void>> advance(long index) {
    if (index <= applied) {
      return List.of();
    }
    applied = index;
    progressNanos = System.nanoTime();
    if (waiting.isEmpty() || waiting.firstKey() > index) {
      return List.of();
    }
    List<CompletableFuture<Void>> due = new ArrayList<>();
    Map<Long, List<CompletableFuture<Void>>> head = waiting.headMap(index, true);
    head.values().forEach(due::addAll);
    head.clear();
    return due;
  }

  /** How long futures have waited with this replica applying nothing (0 when none waits). */
  synchronized long stalledNanos(long now) {
    return waiting.isEmpty() ? 0 : now - progressNanos;
  }

  /** The applied index and the lowest index waited for, for a log line. */
  synchronized String describe() {
    return "applied=" + applied + (waiting.isEmpty() ? "" : " awaiting=" + waiting.firstKey());
  }

  /** Fails every waiting future (the group is closing). */
  synchronized void failAll(Throwable cause) {
    waiting.values().forEach(list -> list.forEach(f -> f.completeExceptionally(cause)));
    waiting.clear();
  }
}
