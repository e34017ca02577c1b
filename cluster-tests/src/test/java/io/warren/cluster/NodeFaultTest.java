package io.warren.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import io.warren.node.durability.ClientConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node JVMs under a workload of confirming producers and acking consumers spread over the
 * nodes, while a node is killed, frozen or the whole cluster restarts; afterwards the queues are
 * drained and the {@link Checker} holds the history to the broker's promises.
 *
 * <p>Which node suffers is drawn from a seeded random (see {@link FaultScenario}). Phases are
 * counted in confirmed messages, never in time, and nothing asserts on time.
 *
 * <p>A consumer's unacked messages on a node that died return to their queue when the others
 * declare the node down or, at the latest, when it restarts: every test restarts what it killed
 * before it drains.
 */
class NodeFaultTest {
  private static final List<String> QUEUES = FaultScenario.QUEUES;
  private static final long PHASE = FaultScenario.PHASE;
  private static final Workload.Shape SHAPE = FaultScenario.SHAPE;
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  @TempDir Path dir;

  private FaultScenario scenario;
  private String testName;
  private History history;

  @BeforeEach
  void scenario(TestInfo info) {
    scenario = FaultScenario.of(info);
    testName = scenario.testName();
    history = scenario.history();
  }

  /** (a) kill -9 a node under load, go on with two, restart it, go on with three. */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void killNineOneNodeUnderLoad() throws Exception {
    try (Cluster cluster = Cluster.start(testName, dir, 3)) {
      FaultScenario.declareQueues(cluster, QUEUES);
      String victim = scenario.pick(cluster);
      try (Workload workload = Workload.start(cluster, history, SHAPE)) {
        workload.awaitConfirmed(PHASE, "three nodes");
        cluster.kill(victim);
        workload.awaitConfirmed(PHASE, "two nodes, " + victim + " killed");
        cluster.restart(victim);
        workload.awaitConfirmed(PHASE, victim + " restarted");
        workload.stop();
        scenario.drainAndCheck(cluster, QUEUES);
        scenario.assertOnlyVictimClosedSessions(workload, victim);
      }
    }
  }

  /**
   * (b) SIGSTOP a node that does not lead the metadata group (n1 is its preferred leader) under
   * load until its clients have moved to the others and those confirmed a phase's worth, then
   * SIGCONT it and go on with three.
   */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void pausedNodeCatchesUp() throws Exception {
    pauseAndResume(scenario.random().nextBoolean() ? "n2" : "n3");
  }

  /** (b) with the metadata group's leader, the node whose failure detector declares others down. */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void pausedMetadataLeaderCatchesUp() throws Exception {
    pauseAndResume("n1");
  }

  private void pauseAndResume(String victim) throws Exception {
    System.out.printf("%s: the victim is %s%n", testName, victim);
    try (Cluster cluster = Cluster.start(testName, dir, 3)) {
      FaultScenario.declareQueues(cluster, QUEUES);
      try (Workload workload = Workload.start(cluster, history, SHAPE)) {
        workload.awaitConfirmed(PHASE, "three nodes");
        cluster.pause(victim);
        try {
          // Long enough for new Raft leaders, for the others to declare it down and for its
          // clients to give up on it (missed heartbeats).
          workload.awaitClientsLeft(victim);
          workload.awaitConfirmed(PHASE, victim + " paused");
        } finally {
          cluster.resume(victim);
        }
        workload.awaitConfirmed(PHASE, victim + " resumed");
        workload.stop();
        scenario.drainAndCheck(cluster, QUEUES);
        scenario.assertOnlyVictimClosedSessions(workload, victim);
      }
    }
  }

  /** (c) SIGTERM all three under load, start all three; the clients reconnect and carry on. */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void fullClusterRestart() throws Exception {
    try (Cluster cluster = Cluster.start(testName, dir, 3)) {
      FaultScenario.declareQueues(cluster, QUEUES);
      try (Workload workload = Workload.start(cluster, history, SHAPE)) {
        workload.awaitConfirmed(PHASE, "before the restart");
        System.out.printf("%s: exit codes %s%n", testName, cluster.stopAll());
        cluster.startAll();
        workload.awaitConfirmed(PHASE, "after the restart");
        workload.stop();
      }
      scenario.drainAndCheck(cluster, QUEUES);
    }
  }

  /**
   * (d) A consumer holds {@code prefetch} messages unacked on one node while another consumes on
   * a second; the first node is killed and restarted: what it held comes back to the second,
   * redelivered.
   */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void unackedMessagesOfAKilledConsumerNodeComeBackRedelivered() throws Exception {
    List<String> queues = List.of("held");
    int held = 50;
    try (Cluster cluster = Cluster.start(testName, dir, 3)) {
      FaultScenario.declareQueues(cluster, queues);
      try (Workload producer = Workload.start(cluster, history, new Workload.Shape(queues, 1, 0, 2000, 0, 0))) {
        producer.awaitProducersDone();
      }
      String victim = scenario.pick(cluster);
      String other = cluster.ids().stream().filter(id -> !id.equals(victim)).findFirst().orElseThrow();
      Set<MessageId> heldIds;
      try (ClientConnection holderConnection = cluster.node(victim).connect("holder");
          ClientConnection consumerConnection = cluster.node(other).connect("consumer")) {
        Channel holder = holderConnection.createChannel();
        holder.basicQos(held);
        RecordingConsumer.consume(holder, history, "held", "holder@" + victim, false);
        Awaitility.await("the holder got " + held).atMost(PATIENCE).until(() -> history.deliveryCount() >= held);
        heldIds = history.deliveries().stream().map(History.Delivery::id).collect(Collectors.toSet());
        assertThat(heldIds).as("held within the prefetch").hasSize(held);

        Channel consumer = consumerConnection.createChannel();
        consumer.basicQos(50);
        RecordingConsumer.consume(consumer, history, "held", "consumer@" + other, true);
        cluster.kill(victim);
        cluster.restart(victim);
        Awaitility.await("the held messages redelivered to the consumer on " + other).atMost(PATIENCE)
            .until(() -> redelivered(heldIds).containsAll(heldIds));
      }
      scenario.drainAndCheck(cluster, queues);
      assertThat(redelivered(heldIds))
          .as("seed %d: held by the killed node's consumer, then redelivered", scenario.seed())
          .containsExactlyInAnyOrderElementsOf(heldIds);
    }
  }

  /**
   * (e) A randomized chaos run: {@code warren.chaos.faults} faults (default 4) drawn from the
   * kinds above, each on a random node, with a phase of confirmed messages under load before,
   * during and after each; then the queues are drained and checked. Prints the figures: faults
   * injected, published, confirmed, delivered, lost. A longer run: {@code -Dwarren.chaos.faults=30}.
   */
  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void randomizedChaosRun() throws Exception {
    int faults = Integer.getInteger("warren.chaos.faults", 4);
    long phase = PHASE / 2;
    List<String> injected = new java.util.ArrayList<>();
    try (Cluster cluster = Cluster.start(testName, dir, 3)) {
      FaultScenario.declareQueues(cluster, QUEUES);
      java.util.Random random = scenario.random();
      Workload.Shape shape = new Workload.Shape(QUEUES, 3, 3, Long.MAX_VALUE / 4, 250, 50);
      try (Workload workload = Workload.start(cluster, history, shape)) {
        workload.awaitConfirmed(phase, "three nodes");
        for (int i = 0; i < faults; i++) {
          String victim = cluster.ids().get(random.nextInt(cluster.ids().size()));
          switch (random.nextInt(4)) {
            case 0 -> {
              injected.add("kill -9 " + victim);
              cluster.kill(victim);
              workload.awaitConfirmed(phase, victim + " killed");
              cluster.restart(victim);
            }
            case 1 -> {
              injected.add("SIGSTOP " + victim);
              cluster.pause(victim);
              try {
                workload.awaitClientsLeft(victim);
                workload.awaitConfirmed(phase, victim + " paused");
              } finally {
                cluster.resume(victim);
              }
            }
            case 2 -> {
              injected.add("SIGTERM " + victim);
              cluster.stop(victim);
              workload.awaitConfirmed(phase, victim + " stopped");
              cluster.restart(victim);
            }
            default -> {
              injected.add("full restart");
              cluster.stopAll();
              cluster.startAll();
            }
          }
          workload.awaitConfirmed(phase, "after fault " + (i + 1) + " (" + injected.get(i) + ")");
        }
        workload.stop();
      }
      System.out.printf("%s: %d faults injected: %s%n", testName, injected.size(), injected);
      scenario.drainAndCheck(cluster, QUEUES);
    }
  }

  /** Which of {@code heldIds} have been delivered with the redelivered flag. */
  private Set<MessageId> redelivered(Set<MessageId> heldIds) {
    return history.deliveries().stream().filter(d -> d.redelivered() && heldIds.contains(d.id()))
        .map(History.Delivery::id).collect(Collectors.toSet());
  }
}
