package io.warren.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.durability.ConfirmTracker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node faults of {@link NodeFaultTest} on the deployment's own image: three node containers,
 * the same workload and checker, while a container is killed and started again, cut off from its
 * peers by a network partition, or the whole cluster restarts. Skipped where no Docker engine
 * answers, but not in CI ({@link DockerCondition}); {@code .ci/run} starts one.
 */
@ExtendWith(DockerCondition.class)
class ContainerFaultTest {
  private static final List<String> QUEUES = FaultScenario.QUEUES;
  private static final long PHASE = FaultScenario.PHASE;
  /** Messages the probe publishes on the cut-off node. */
  private static final int PROBE_MESSAGES = 100;
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  /**
   * The workload's producers without its consumers, slower: the queues fill for as long as the
   * partition lasts (the cluster takes {@code cluster.node-down-after}, 10 s, to declare the node
   * down) and are drained at the end with basic.get, one message at a time.
   */
  private static final Workload.Shape PRODUCERS_ONLY = new Workload.Shape(QUEUES, 3, 0, 30_000, 30, 0);
  private static final long PRODUCERS_ONLY_PHASE = 150;

  private FaultScenario scenario;
  private String testName;
  private History history;

  @BeforeEach
  void scenario(TestInfo info) {
    scenario = FaultScenario.of(info);
    testName = scenario.testName();
    history = scenario.history();
  }

  /** SIGKILL a node's container under load, go on with two, start it again on its volume, go on with three. */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void killedContainerRestartsAndRejoins() throws Exception {
    try (ContainerCluster cluster = ContainerCluster.start(testName, 3)) {
      FaultScenario.declareQueues(cluster, QUEUES);
      String victim = scenario.pick(cluster);
      try (Workload workload = Workload.start(cluster, history, FaultScenario.SHAPE)) {
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
   * Cut a node off from its peers under load while its clients still reach it: the majority goes
   * on and declares it down; the cut-off node confirms nothing published to it meanwhile. After
   * the partition heals it rejoins, its clients (told to reconnect) carry on, and it confirms
   * again. Producers only: see {@link #partitionUnderTheFullWorkload()} for why.
   */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void partitionedNodeConfirmsNothingAndRejoins() throws Exception {
    partition(PRODUCERS_ONLY, PRODUCERS_ONLY_PHASE);
  }

  /**
   * The partition with consumers on every node too. While the node is cut off, the majority goes
   * on dispatching to its consumers until it declares the node down, which returns those messages
   * for redelivery elsewhere; a node that kept its clients would push those stale assignments to
   * them when the partition heals. The cut-off node closes its clients at half the node-down
   * window (MinorityFence), so no client sees a duplicate without the redelivered flag.
   */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void partitionUnderTheFullWorkload() throws Exception {
    partition(FaultScenario.SHAPE, PHASE);
  }

  private void partition(Workload.Shape shape, long phase) throws Exception {
    try (ContainerCluster cluster = ContainerCluster.start(testName, 3)) {
      FaultScenario.declareQueues(cluster, QUEUES);
      String victim = scenario.pick(cluster);
      try (Workload workload = Workload.start(cluster, history, shape)) {
        workload.awaitConfirmed(phase, "three nodes");
        // Connected before the cut (opening a connection and channel takes the cluster), publishing
        // after it, so none of the probe's messages can reach a majority until the partition heals.
        try (Connector.Connected minority = connectTo(cluster, victim, "probe")) {
          ConfirmTracker probe = probe(minority, victim);
          cluster.disconnect(victim);
          publishProbe(probe);
          workload.awaitConfirmed(phase, "two nodes, " + victim + " cut off");
          cluster.awaitDeclaredDown(victim);
          workload.awaitConfirmed(phase, victim + " declared down");
          assertThat(probe.confirmed()).as("seed %d: confirms from %s, cut off from its peers (%s)",
              scenario.seed(), victim, probe).isEmpty();
        }
        cluster.reconnect(victim);
        workload.awaitConfirmed(phase, victim + " reconnected");
        assertConfirms(cluster, victim);
        workload.stop();
        scenario.drainAndCheck(cluster, QUEUES);
        scenario.assertOnlyVictimClosedSessions(workload, victim);
      }
    }
  }

  /** {@code docker stop} all three under load, start all three; the clients reconnect and carry on. */
  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void fullClusterRestart() throws Exception {
    try (ContainerCluster cluster = ContainerCluster.start(testName, 3)) {
      FaultScenario.declareQueues(cluster, QUEUES);
      try (Workload workload = Workload.start(cluster, history, FaultScenario.SHAPE)) {
        workload.awaitConfirmed(PHASE, "before the restart");
        System.out.printf("%s: exit codes %s%n", testName, cluster.stopAll());
        cluster.startAll();
        workload.awaitConfirmed(PHASE, "after the restart");
        workload.stop();
      }
      scenario.drainAndCheck(cluster, QUEUES);
    }
  }

  /** A connection to node {@code id} itself (the workload's clients may be anywhere). */
  private static Connector.Connected connectTo(ContainerCluster cluster, String id, String name) throws Exception {
    int position = cluster.serving().stream().map(NodeCluster.Member::id).toList().indexOf(id);
    Connector.Connected connected = Connector.connect(cluster, position, name);
    assertThat(connected.node()).as("connected to").isEqualTo(id);
    return connected;
  }

  /**
   * A channel in confirm mode on {@code connected} whose messages are part of the history, so the
   * checker holds any of them that was confirmed.
   */
  private ConfirmTracker probe(Connector.Connected connected, String node) throws Exception {
    Channel channel = connected.connection().createChannel();
    ConfirmTracker confirms = ConfirmTracker.on(channel, PROBE_MESSAGES, PATIENCE);
    history.publisherSession("probe.1@" + node, confirms, ContainerFaultTest::probeId);
    return confirms;
  }

  /** Publishes {@link #PROBE_MESSAGES} persistent messages to the workload's queues, not waiting for confirms. */
  private static void publishProbe(ConfirmTracker probe) throws Exception {
    for (long seq = 0; seq < PROBE_MESSAGES; seq++) {
      MessageId id = probeId(seq);
      probe.publish(seq, "", id.queue(), MessageProperties.PERSISTENT_BASIC, id.body());
    }
  }

  private static MessageId probeId(long seq) {
    return new MessageId(QUEUES.get((int) (seq % QUEUES.size())), "probe", seq);
  }

  /**
   * Node {@code id} confirms a message published to it: it takes part in the cluster again. It
   * may refuse clients for a moment after the partition heals (until it has caught up with what it
   * missed: MinorityFence), so connecting waits for it.
   */
  private void assertConfirms(ContainerCluster cluster, String id) throws Exception {
    Awaitility.await(id + " takes clients again").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
        .until(() -> {
          try (Connector.Connected probe = Connector.connect(cluster,
              cluster.serving().stream().map(NodeCluster.Member::id).toList().indexOf(id), "probe-rejoined")) {
            return id.equals(probe.node());
          }
        });
    try (Connector.Connected connected = connectTo(cluster, id, "rejoined")) {
      Channel channel = connected.connection().createChannel();
      ConfirmTracker confirms = ConfirmTracker.on(channel, 1, PATIENCE);
      history.publisherSession("rejoined.1@" + id, confirms, seq -> new MessageId(QUEUES.get(0), "rejoined", seq));
      MessageId message = new MessageId(QUEUES.get(0), "rejoined", 0);
      confirms.publish(0, "", message.queue(), MessageProperties.PERSISTENT_BASIC, message.body());
      confirms.awaitSettled(PATIENCE);
      assertThat(confirms.confirmed()).as("seed %d: %s confirms after the partition healed", scenario.seed(), id)
          .containsExactly(0L);
    }
  }
}
