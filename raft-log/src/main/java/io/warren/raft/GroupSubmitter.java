package io.warren.raft;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Sends one group's commands from this node in submission order, never blocking the caller.
 *
 * <p>Commands wait in a bounded queue; a drain task on the shared submit pool sends them while
 * fewer than {@code maxInFlight} are unanswered. One drain task per group at a time.
 *
 * <p>Order and exactly-once: the submitter is an origin (a random id) and numbers its entries
 * 0, 1, 2, ... when it first sends them; the replicated state machine applies an origin's entries
 * only in that order and once each ({@link Sessions}). Pipelined sends can still reach the log out
 * of order when a leader changes (Ratis fails every request of a client stream when one fails, and
 * some of those were in fact appended), so a command answered "out of order" or failed in transit
 * goes back into the queue at its place, nothing is sent until every command in flight has come
 * back, and then they are resent in order with the same seq and Raft call id (the leader's retry
 * cache answers those it already applied with their real reply).
 *
 * <p>A command once sent is resent until it is applied, even if its caller timed out, for up to
 * {@code giveUpAfter}: dropping it would leave a hole in the seq order. Commands never sent are
 * dropped as soon as their caller gave up.
 * If the state machine expects a seq this submitter no longer holds (its session was forgotten, or
 * a command failed for good), the submitter starts a new origin.
 */
final class GroupSubmitter {
  /** How a command reaches the leader. */
  enum Route {
    /** This node leads: append in-process. */
    LOCAL,
    /** Over gRPC to the leader. */
    REMOTE
  }

  /** Sends entries for the submitter. */
  interface Transport {
    /** The route the next entry should take now. */
    Route route();

    /** Sends {@code framed} by {@code route}, with the same {@code callId} on every attempt. */
    CompletableFuture<Outcome> send(Route route, long callId, ByteString framed);

    /**
     * Called when sending resumes after failed entries all came back, before they are resent: the
     * one moment nothing is in flight, so the transport may switch peers without reordering.
     */
    void resuming();
  }

  /** The leader's answer: log index and the framed reply (see {@link Envelope}). */
  record RawReply(long index, byte[] framed) {}

  /** A reply, or "send it again" (it did not reach the log, or may not have). */
  record Outcome(RawReply reply, boolean retry) {
    static Outcome of(RawReply reply) {
      return new Outcome(reply, false);
    }

    static Outcome retryLater() {
      return new Outcome(null, true);
    }
  }

  /** Makes the submitter of a group, bound to the node's pools and limits. */
  @FunctionalInterface
  interface Factory {
    GroupSubmitter create(String group, Transport transport);
  }

  private static final class Pending {
    final long order;
    final byte kind;
    final ByteBuffer payload;
    final CompletableFuture<RawReply> result = new CompletableFuture<>();
    final CompletableFuture<?> caller;
    /** Set when first sent; kept for every resend. */
    long seq = -1;
    long firstSentNanos;
    long callId;
    ByteString framed;

    Pending(long order, byte kind, ByteBuffer payload, CompletableFuture<?> caller) {
      this.order = order;
      this.kind = kind;
      this.payload = payload;
      this.caller = caller;
    }

    boolean sent() {
      return framed != null;
    }
  }

  private static final long RETRY_PAUSE_MS = 50;

  private final String group;
  private final Transport transport;
  private final LongSupplier callIds;
  private final Executor executor;
  private final ScheduledExecutorService timer;
  private final int maxInFlight;
  private final int maxQueued;
  private final long giveUpNanos;
  private final PriorityQueue<Pending> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.order, b.order));
  private UUID origin = UUID.randomUUID();
  private long nextSeq;
  private long nextOrder;
  private int inFlight;
  private Route inFlightRoute;
  /** An entry came back: send nothing until everything in flight is back. */
  private boolean holding;
  /** Lowest seq the state machine said it expects while holding, or -1. */
  private long expectedSeq = -1;
  private boolean drainScheduled;
  private long lastSentNanos;
  private long lastSettledNanos;
  /** When a command last came back, or work arrived at an idle submitter. */
  private long lastProgressNanos;
  private boolean closed;

  GroupSubmitter(
      String group,
      Transport transport,
      LongSupplier callIds,
      Executor executor,
      ScheduledExecutorService timer,
      int maxInFlight,
      int maxQueued,
      Duration giveUpAfter) {
    this.group = group;
    this.transport = transport;
    this.callIds = callIds;
    this.executor = executor;
    this.timer = timer;
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
    this.giveUpNanos = giveUpAfter.toNanos();
  }

  /**
   * Queues an entry of {@code kind} carrying {@code payload}. {@code caller} is the future the caller
   * waits on: once it is done (timed out), an entry not yet sent is dropped.
   */
  CompletableFuture<RawReply> submit(byte kind, ByteBuffer payload, CompletableFuture<?> caller) {
    Pending p;
    synchronized (this) {
      p = new Pending(nextOrder++, kind, payload, caller);
      if (closed) {
        p.result.completeExceptionally(
            new ReplicationException(ReplicationException.Kind.CLOSED, "node is shutting down"));
        return p.result;
      }
      if (queue.size() >= maxQueued) {
        p.result.completeExceptionally(
            new ReplicationException(
                ReplicationException.Kind.OVERLOADED,
                maxQueued + " commands already waiting for group " + group));
        return p.result;
      }
      if (queue.isEmpty() && inFlight == 0) {
        lastProgressNanos = System.nanoTime();
      }
      queue.add(p);
      scheduleDrainLocked();
    }
    return p.result;
  }

  /**
   * What the submitter is doing, for a log line when a group's commands seem stuck: commands
   * queued and in flight, the route of those in flight, whether it waits for failed commands to
   * come back, and how long ago something was last sent and last came back.
   */
  synchronized String describe() {
    long now = System.nanoTime();
    return "queued=" + queue.size()
        + " inFlight=" + inFlight + (inFlight > 0 ? " (" + inFlightRoute + ")" : "")
        + " holding=" + holding
        + " nextSeq=" + nextSeq
        + " lastSent=" + agoMillis(now, lastSentNanos)
        + " lastSettled=" + agoMillis(now, lastSettledNanos);
  }

  /**
   * How long commands have waited here with none coming back (0 when there is nothing to send or
   * to wait for): a long time means the group's commands from this node are stuck.
   */
  synchronized long stalledNanos(long now) {
    return queue.isEmpty() && inFlight == 0 ? 0 : now - lastProgressNanos;
  }

  private static String agoMillis(long now, long then) {
    return then == 0 ? "never" : TimeUnit.NANOSECONDS.toMillis(now - then) + "ms ago";
  }

  /** Fails every queued command; later submits fail at once. */
  void close() {
    List<Pending> dropped;
    synchronized (this) {
      closed = true;
      dropped = new ArrayList<>(queue);
      queue.clear();
    }
    ReplicationException e =
        new ReplicationException(ReplicationException.Kind.CLOSED, "node is shutting down");
    dropped.forEach(p -> p.result.completeExceptionally(e));
  }

  private void scheduleDrainLocked() {
    if (!drainScheduled && !closed && !holding && inFlight < maxInFlight && !queue.isEmpty()) {
      drainScheduled = true;
      executor.execute(this::drain);
    }
  }

  private void drain() {
    while (true) {
      Pending p;
      Route route;
      synchronized (this) {
        p = queue.peek();
        while (p != null && p.caller.isDone() && (!p.sent() || abandoned(p))) {
          queue.poll();
          p.result.cancel(false);
          p = queue.peek();
        }
        if (p == null || closed || holding || inFlight >= maxInFlight) {
          drainScheduled = false;
          return;
        }
        route = transport.route();
        if (inFlight > 0 && route != inFlightRoute) {
          drainScheduled = false; // switch routes once the other one is empty
          return;
        }
        queue.poll();
        if (!p.sent()) {
          p.seq = nextSeq++;
          p.callId = callIds.getAsLong();
          p.framed = Envelope.entry(p.kind, origin, p.seq, p.payload);
          p.firstSentNanos = System.nanoTime();
        }
        inFlight++;
        inFlightRoute = route;
        lastSentNanos = System.nanoTime();
      }
      Pending sent = p;
      CompletableFuture<Outcome> outcome;
      try {
        outcome = transport.send(route, sent.callId, sent.framed);
      } catch (RuntimeException e) {
        outcome = CompletableFuture.failedFuture(e);
      }
      outcome.whenComplete((o, e) -> settle(sent, o, e));
    }
  }

  private void settle(Pending p, Outcome outcome, Throwable error) {
    boolean again = false;
    synchronized (this) {
      inFlight--;
      lastSettledNanos = System.nanoTime();
      lastProgressNanos = lastSettledNanos;
      if (error == null) {
        if (outcome.retry()) {
          again = true;
        } else if (Envelope.kind(outcome.reply().framed()) == Envelope.REPLY_OUT_OF_ORDER) {
          again = true;
          long expected = Envelope.expectedSeq(outcome.reply().framed());
          expectedSeq = expectedSeq < 0 ? expected : Math.min(expectedSeq, expected);
        }
      }
      if (again) {
        if (closed) {
          error = new ReplicationException(ReplicationException.Kind.CLOSED, "node is shutting down");
          again = false;
        } else {
          queue.add(p);
          holding = true;
        }
      }
      if (holding && inFlight == 0) {
        // Everything is back; resend in order after a short pause (the leader moved or is busy).
        timer.schedule(this::resume, RETRY_PAUSE_MS, TimeUnit.MILLISECONDS);
      } else {
        scheduleDrainLocked();
      }
    }
    if (error != null) {
      p.result.completeExceptionally(error);
    } else if (!again) {
      p.result.complete(outcome.reply());
    }
  }

  private void resume() {
    transport.resuming();
    synchronized (this) {
      if (expectedSeq >= 0 && !holdsSeq(expectedSeq)) {
        restartOrigin();
      }
      expectedSeq = -1;
      holding = false;
      scheduleDrainLocked();
    }
  }

  /**
   * A sent entry whose caller gave up long ago (the group has had no leader for a long time, or
   * is gone) is finally dropped; the hole it leaves makes the next send start a new origin.
   */
  private boolean abandoned(Pending p) {
    return System.nanoTime() - p.firstSentNanos > giveUpNanos;
  }

  private boolean holdsSeq(long seq) {
    for (Pending p : queue) {
      if (p.sent() && p.seq == seq) {
        return true;
      }
    }
    return false;
  }

  /**
   * The state machine waits for a seq we no longer have: continue as a new origin, renumbering the
   * entries already sent (an entry whose earlier attempt was applied after all would then be
   * applied twice; this only happens after a permanent failure or a very long idle period).
   */
  private void restartOrigin() {
    origin = UUID.randomUUID();
    nextSeq = 0;
    List<Pending> sent = new ArrayList<>();
    for (Pending p : queue) {
      if (p.sent()) {
        sent.add(p);
      }
    }
    sent.sort((a, b) -> Long.compare(a.order, b.order));
    for (Pending p : sent) {
      p.seq = nextSeq++;
      p.callId = callIds.getAsLong();
      p.framed = Envelope.entry(p.kind, origin, p.seq, p.payload);
    }
  }
}
