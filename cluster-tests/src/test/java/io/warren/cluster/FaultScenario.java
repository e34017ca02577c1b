package io.warren.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.warren.node.durability.NodeProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.TestInfo;

/**
 * What every fault test shares, whether its nodes are processes or containers: the workload's
 * shape, a seeded choice of victims, the history its clients record, and the verdict at the end
 * (drain the queues, hold the history to the {@link Checker}).
 *
 * <p>The seed is printed and {@code -Dwarren.cluster.seed=...} replays the choices.
 */
final class FaultScenario {
  private static final String SEED_PROPERTY = "warren.cluster.seed";
  static final List<String> QUEUES = List.of("q1", "q2", "q3");
  /** Confirmed messages per phase of a test: phases are counted in messages, never in time. */
  static final long PHASE = 1500;
  static final Workload.Shape SHAPE = new Workload.Shape(QUEUES, 3, 3, 30_000, 250, 50);

  private final String testName;
  private final long seed;
  private final Random random;
  private final History history = new History();

  private FaultScenario(String testName, long seed) {
    this.testName = testName;
    this.seed = seed;
    this.random = new Random(seed);
  }

  /** A scenario named after the running test ({@code Class-method}, also its log directory). */
  static FaultScenario of(TestInfo info) {
    String testName = info.getTestClass().orElseThrow().getSimpleName() + "-"
        + info.getTestMethod().orElseThrow().getName();
    long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
    System.out.printf("%s: seed %d (replay with -D%s=%d)%n", testName, seed, SEED_PROPERTY, seed);
    return new FaultScenario(testName, seed);
  }

  String testName() {
    return testName;
  }

  long seed() {
    return seed;
  }

  Random random() {
    return random;
  }

  History history() {
    return history;
  }

  /** A node drawn from the seeded random. */
  String pick(NodeCluster cluster) {
    List<String> ids = cluster.ids();
    String victim = ids.get(random.nextInt(ids.size()));
    System.out.printf("%s: the victim is %s%n", testName, victim);
    return victim;
  }

  /** Declares these durable queues through the first node that serves. */
  static void declareQueues(NodeCluster cluster, List<String> queues) throws IOException {
    try (Connector.Connected c = Connector.connect(cluster, 0, "declare")) {
      Channel channel = c.connection().createChannel();
      for (String queue : queues) {
        channel.queueDeclare(queue, true, false, false, null);
      }
    }
  }

  /**
   * A node that stayed healthy never closes its clients' connections: only the victim, declared
   * down by the others, may (CONNECTION_FORCED when it comes back).
   */
  void assertOnlyVictimClosedSessions(Workload workload, String victim) {
    List<Reconnects.SessionEnd> closed = workload.sessionEnds().stream()
        .filter(e -> e.closedByBroker() && !victim.equals(e.node())).toList();
    assertThat(closed).as("seed %d: sessions closed by nodes other than %s", seed, victim).isEmpty();
  }

  /**
   * Empties the queues into the history, writes the history next to the nodes' logs and checks it:
   * no violation, nothing confirmed lost, nothing left in the queues.
   */
  void drainAndCheck(NodeCluster cluster, List<String> queues) {
    List<Long> left = Drain.drain(cluster, queues, history);
    Path historyFile = NodeProcess.logFile(testName, "history");
    history.write(historyFile);
    Checker.Report report = Checker.check(history);
    System.out.printf("%s: checker: %s; left in %s: %s; history in %s%n", testName, report.figures(), queues, left,
        historyFile);
    report.violations().forEach(v -> System.out.printf("%s: %s%n", testName, v));
    assertThat(report.violations()).as("seed %d: %s", seed, report.figures()).isEmpty();
    assertThat(report.lost()).isZero();
    assertThat(left).as("messages left after the drain").allMatch(n -> n == 0);
  }
}
