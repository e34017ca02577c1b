package io.warren.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * Producers and consumers running against a cluster, each on its own thread, spread over the nodes
 * (producer i prefers node i, consumer i node i + 1) and moving to another node when theirs fails;
 * everything they see goes into a {@link History}.
 */
public final class Workload implements AutoCloseable {
  /** Generous bound on waiting for progress: only a hang exceeds it. */
  private static final Duration PROGRESS_PATIENCE = Duration.ofMinutes(3);
  private static final Duration STOP_PATIENCE = Duration.ofMinutes(2);

  /**
   * What runs.
   *
   * @param queues durable queues (declared beforehand); every producer publishes to all, round-robin,
   *     and every consumer consumes all
   * @param messagesPerProducer bound on each producer's publishes
   * @param ratePerProducer each producer's messages per second at most, 0 for no limit: keeps the
   *     count of a phase that waits for a node to start within bounds
   * @param prefetch each consumer's basic.qos
   */
  public record Shape(List<String> queues, int producers, int consumers, long messagesPerProducer,
      int ratePerProducer, int prefetch) {
    public Shape {
      queues = List.copyOf(queues);
    }
  }

  /** A producer or consumer. */
  interface Client {
    /** The node it has a session on, or null between sessions. */
    String node();

    /** How its sessions failed so far. */
    List<Reconnects.SessionEnd> sessionEnds();
  }

  private final History history;
  private final List<ProducerClient> producers = new ArrayList<>();
  private final List<Client> clients = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;

  private Workload(History history) {
    this.history = history;
  }

  public static Workload start(NodeCluster cluster, History history, Shape shape) {
    Workload w = new Workload(history);
    for (int i = 0; i < shape.producers(); i++) {
      ProducerClient p = new ProducerClient("p" + (i + 1), shape.queues(), shape.messagesPerProducer(),
          shape.ratePerProducer(), i,
          cluster, history, () -> w.stopping);
      w.producers.add(p);
      w.clients.add(p);
      w.threads.add(new Thread(p, "producer-p" + (i + 1)));
    }
    for (int i = 0; i < shape.consumers(); i++) {
      ConsumerClient c = new ConsumerClient("c" + (i + 1), shape.queues(), shape.prefetch(), i + 1, cluster,
          history, () -> w.stopping);
      w.clients.add(c);
      w.threads.add(new Thread(c, "consumer-c" + (i + 1)));
    }
    w.threads.forEach(Thread::start);
    return w;
  }

  /**
   * Waits until the broker has confirmed {@code more} messages beyond those confirmed now (or the
   * producers are done). Phases of a test are counted in messages, not in time.
   */
  public void awaitConfirmed(long more, String why) {
    long target = history.confirmedCount() + more;
    Awaitility.await(why + ": " + more + " more confirms").atMost(PROGRESS_PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> history.confirmedCount() >= target || producersDone());
    System.out.printf("workload: %s: %d confirmed, %d deliveries%n", why, history.confirmedCount(),
        history.deliveryCount());
  }

  /**
   * Waits until no client has a session on {@code node} any more: after the node froze, its
   * clients noticed (missed heartbeats) and moved on.
   */
  public void awaitClientsLeft(String node) {
    Awaitility.await("clients to leave " + node).atMost(PROGRESS_PATIENCE).pollInterval(Duration.ofMillis(100))
        .until(() -> clients.stream().noneMatch(c -> node.equals(c.node())));
    System.out.printf("workload: no client on %s any more: %d confirmed, %d deliveries%n", node,
        history.confirmedCount(), history.deliveryCount());
  }

  /** How the clients' sessions failed so far. */
  public List<Reconnects.SessionEnd> sessionEnds() {
    return clients.stream().flatMap(c -> c.sessionEnds().stream()).toList();
  }

  /** Waits until every producer has published its messages and had them settled. */
  public void awaitProducersDone() {
    Awaitility.await("producers done").atMost(PROGRESS_PATIENCE).pollInterval(Duration.ofMillis(100))
        .until(this::producersDone);
  }

  private boolean producersDone() {
    return producers.stream().allMatch(ProducerClient::done);
  }

  /**
   * Stops every client: producers wait (bounded) for their outstanding confirms, consumers close
   * their connections, so what they held unacked goes back to the queues.
   */
  public void stop() {
    stopping = true;
    for (Thread t : threads) {
      try {
        t.join(STOP_PATIENCE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted stopping the workload", e);
      }
      if (t.isAlive()) {
        t.interrupt();
        throw new IllegalStateException(t.getName() + " did not stop within " + STOP_PATIENCE);
      }
    }
  }

  @Override
  public void close() {
    if (!stopping) {
      stop();
    }
  }
}
