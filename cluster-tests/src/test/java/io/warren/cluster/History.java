package io.warren.cluster;

import io.warren.node.durability.ConfirmTracker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * What the clients of a test saw, recorded as it happens from many threads: which message ids were
 * published (handed to the client library), confirmed or nacked by the broker (each publisher
 * session's {@link ConfirmTracker} keeps those), and every delivery in the order the consumers
 * received them.
 */
public final class History {
  private final ConcurrentLinkedQueue<PublisherSession> sessions = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();

  /**
   * One delivery to a consumer.
   *
   * @param queue the queue it came from
   * @param consumer the consumer's session (a consumer that reconnects is a new session)
   * @param at when the client recorded it (to line up with the nodes' logs)
   */
  public record Delivery(MessageId id, String queue, boolean redelivered, String consumer, Instant at) {
    public Delivery(MessageId id, String queue, boolean redelivered, String consumer) {
      this(id, queue, redelivered, consumer, Instant.now());
    }

    @Override
    public String toString() {
      return id + " from " + queue + (redelivered ? " redelivered" : "") + " to " + consumer + " at " + at;
    }
  }

  /**
   * One connection of a producer: its confirm bookkeeping, whose ids are sequence numbers that
   * {@code idOf} names. Order is promised only within one such session.
   */
  private record PublisherSession(String name, ConfirmTracker confirms, LongFunction<MessageId> idOf) {}

  /** Adds a producer's session; what its {@code confirms} records from now on is part of the history. */
  public void publisherSession(String name, ConfirmTracker confirms, LongFunction<MessageId> idOf) {
    sessions.add(new PublisherSession(name, confirms, idOf));
  }

  public void delivered(Delivery delivery) {
    deliveries.add(delivery);
  }

  /** Every published id and the producer session that published it. */
  public Map<MessageId, String> published() {
    Map<MessageId, String> out = new HashMap<>();
    for (PublisherSession s : sessions) {
      for (long seq : s.confirms().published()) {
        out.put(s.idOf().apply(seq), s.name());
      }
    }
    return out;
  }

  public Set<MessageId> confirmed() {
    return ids(ConfirmTracker::confirmed);
  }

  public Set<MessageId> nacked() {
    return ids(ConfirmTracker::nacked);
  }

  private Set<MessageId> ids(Function<ConfirmTracker, Set<Long>> which) {
    Set<MessageId> out = new HashSet<>();
    for (PublisherSession s : sessions) {
      for (long seq : which.apply(s.confirms())) {
        out.add(s.idOf().apply(seq));
      }
    }
    return out;
  }

  /** Confirms so far, cheaply (ids are unique across sessions: sequence numbers never repeat). */
  public long confirmedCount() {
    return sessions.stream().mapToLong(s -> s.confirms().confirmed().size()).sum();
  }

  /** Every delivery so far, in the order they were recorded. */
  public List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  public int deliveryCount() {
    return deliveries.size();
  }

  /**
   * Writes the history to {@code file} for a post-mortem: each producer session's published,
   * confirmed and nacked ids, then every delivery in the order recorded.
   */
  public void write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
        for (PublisherSession s : sessions) {
          out.printf("producer session %s: %s%n", s.name(), s.confirms());
          out.printf("  published %s%n", ranges(s.confirms().published()));
          out.printf("  confirmed %s%n", ranges(s.confirms().confirmed()));
          out.printf("  nacked %s%n", ranges(s.confirms().nacked()));
        }
        for (Delivery d : deliveries) {
          out.println(d);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the history to " + file, e);
    }
  }

  /** Sequence numbers as ranges, "0-99, 101-250", so a session's line stays short. */
  private static String ranges(Set<Long> seqs) {
    StringBuilder out = new StringBuilder();
    Long start = null;
    Long last = null;
    for (long seq : new TreeSet<>(seqs)) {
      if (last != null && seq == last + 1) {
        last = seq;
        continue;
      }
      if (start != null) {
        out.append(start.equals(last) ? start : start + "-" + last).append(", ");
      }
      start = seq;
      last = seq;
    }
    if (start != null) {
      out.append(start.equals(last) ? start : start + "-" + last);
    }
    return out.toString();
  }
}
