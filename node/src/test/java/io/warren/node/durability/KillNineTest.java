package io.warren.node.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node SIGKILLed while a publisher streams persistent messages into a durable queue with
 * confirms, restarted on the same data directory, several rounds in a row: every confirmed message
 * survives, exactly once and in publish order, and messages delivered but not acked when the node
 * died come back marked redelivered.
 *
 * <p>When the node is killed is drawn from a seeded random; the seed is printed and
 * {@code -Dwarren.durability.seed=...} replays it. The delay only picks the moment: nothing here
 * asserts on time.
 */
class KillNineTest {
  private static final String SEED_PROPERTY = "warren.durability.seed";
  private static final String QUEUE = "durability.kill-nine";
  private static final int ROUNDS = 3;
  /** Messages a consumer takes (its prefetch) and never acks before each kill. */
  private static final int HELD = 100;
  private static final int CONFIRM_WINDOW = 1000;
  /** The kill comes after up to this many more publishes once the round is under way. */
  private static final int MAX_PUBLISHES_BEFORE_KILL = 20_000;
  private static final int BODY_BYTES = 128;
  private static final int ACK_EVERY = 250;
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void confirmedMessagesSurviveRepeatedKillNine(@TempDir Path dir) throws Exception {
    long seed = Long.getLong(SEED_PROPERTY, System.nanoTime());
    System.out.printf("KillNineTest seed %d (replay with -D%s=%d)%n", seed, SEED_PROPERTY, seed);
    Random random = new Random(seed);
    NodeSpec spec = NodeSpec.loopback(dir.resolve("data"));
    History history = new History();

    for (int round = 1; round <= ROUNDS; round++) {
      try (NodeProcess node = NodeProcess.start(spec, NodeProcess.logFile("KillNineTest", "round-" + round))) {
        checkBacklogCount(node, history, "seed " + seed + ", before round " + round);
        runRoundAndKill(node, round, random.nextInt(MAX_PUBLISHES_BEFORE_KILL), history, seed);
      }
    }
    try (NodeProcess node = NodeProcess.start(spec, NodeProcess.logFile("KillNineTest", "final"))) {
      int backlog = checkBacklogCount(node, history, "seed " + seed + ", after the last kill");
      List<Received> recovered = drain(node, backlog);
      history.print(recovered);
      verifyRecovered(recovered, history, "seed " + seed + ", messages recovered after " + ROUNDS + " kills");
    }
  }

  /** What the rounds did, as the clients saw it. */
  private static final class History {
    final Set<Long> published = new HashSet<>();
    final Set<Long> confirmed = new HashSet<>();
    final Set<Long> nacked = new HashSet<>();
    /** Ids delivered to a consumer that never acked them, before some kill. */
    final Set<Long> held = new TreeSet<>();
    long nextId;

    void print(List<Received> recovered) {
      long unconfirmedPresent = recovered.stream().filter(r -> !confirmed.contains(r.id())).count();
      long redeliveredNeverHeld = recovered.stream().filter(r -> r.redelivered() && !held.contains(r.id())).count();
      System.out.printf("KillNineTest: published %d, confirmed %d, nacked %d, held unacked %d; recovered %d "
              + "(%d of them unconfirmed, %d redelivered without having been delivered to the test)%n",
          published.size(), confirmed.size(), nacked.size(), held.size(), recovered.size(),
          unconfirmedPresent, redeliveredNeverHeld);
    }
  }

  private record Received(long id, boolean redelivered) {}

  /**
   * One round on a running node: a consumer takes {@link #HELD} messages without acking, a
   * publisher streams with confirms; once both are under way, after {@code publishesBeforeKill} more publishes, the
   * node is SIGKILLed.
   */
  private static void runRoundAndKill(NodeProcess node, int round, int publishesBeforeKill, History history, long seed)
      throws Exception {
    String context = "seed " + seed + ", round " + round;
    try (ClientConnection publisherConnection = node.connect("publisher-" + round);
        ClientConnection holderConnection = node.connect("holder-" + round)) {
      Channel publisherChannel = publisherConnection.createChannel();
      publisherChannel.queueDeclare(QUEUE, true, false, false, null);
      ConfirmTracker tracker = ConfirmTracker.on(publisherChannel, CONFIRM_WINDOW, PATIENCE);

      List<Received> heldNow = new CopyOnWriteArrayList<>();
      Channel holderChannel = holderConnection.createChannel();
      holderChannel.basicQos(HELD);
      holderChannel.basicConsume(QUEUE, false, new DefaultConsumer(holderChannel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
          heldNow.add(new Received(idOf(body), envelope.isRedeliver()));
        }
      });

      AtomicReference<Exception> publisherStopped = new AtomicReference<>();
      long firstId = history.nextId;
      Thread publisher = new Thread(() -> {
        try {
          for (long id = firstId; ; id++) {
            tracker.publish(id, "", QUEUE, MessageProperties.PERSISTENT_BASIC, bodyOf(id));
          }
        } catch (Exception e) {
          publisherStopped.set(e);
        }
      }, "kill-nine-publisher-" + round);
      publisher.start();

      Awaitility.await(context + ": some confirms and " + HELD + " held deliveries").atMost(PATIENCE)
          .until(() -> publisherStopped.get() != null || (!tracker.confirmed().isEmpty() && heldNow.size() >= HELD));
      assertThat(publisherStopped.get()).as("%s: publisher failed before the kill", context).isNull();
      // A random moment, counted in publishes rather than time: the clock of a shared machine is no measure.
      int killAt = tracker.published().size() + publishesBeforeKill;
      Awaitility.await(context + ": " + publishesBeforeKill + " more publishes").atMost(PATIENCE)
          .until(() -> publisherStopped.get() != null || tracker.published().size() >= killAt);
      assertThat(publisherStopped.get()).as("%s: publisher failed before the kill", context).isNull();
      node.kill();
      publisher.join(PATIENCE.toMillis());
      assertThat(publisher.isAlive()).as("%s: publisher still running after the kill", context).isFalse();

      System.out.printf("KillNineTest round %d: killed node %d %d publishes after the first confirms; published %d, "
              + "confirmed %d, holding %d unacked%n",
          round, node.pid(), publishesBeforeKill, tracker.published().size(), tracker.confirmed().size(), heldNow.size());
      Set<Long> heldBefore = Set.copyOf(history.held);
      history.published.addAll(tracker.published());
      history.confirmed.addAll(tracker.confirmed());
      history.nacked.addAll(tracker.nacked());
      heldNow.forEach(r -> history.held.add(r.id()));
      history.nextId = tracker.published().stream().mapToLong(Long::longValue).max().orElse(firstId - 1) + 1;
      verifyHeld(heldNow, history.published, heldBefore, context);
    }
  }

  /**
   * A round's held deliveries are the head of the queue: so they include whatever was held
   * before the previous kill, which must come first again, in order and flagged redelivered.
   */
  private static void verifyHeld(List<Received> heldNow, Set<Long> published, Set<Long> heldBefore, String context) {
    List<Long> ids = heldNow.stream().map(Received::id).toList();
    assertNone(context + ": held deliveries out of publish order", outOfOrder(ids));
    assertNone(context + ": held deliveries never published", absent(ids, published));
    // Nothing is ever acked before a kill, so the head of the queue stays what the first round held.
    assertNone(context + ": held before the last kill, not at the head of the queue again",
        absent(heldBefore, Set.copyOf(ids.subList(0, Math.min(HELD, ids.size())))));
    assertNone(context + ": delivered unacked before the last kill, yet not flagged redelivered",
        heldNow.stream().filter(r -> heldBefore.contains(r.id()) && !r.redelivered()).map(Received::id).toList());
  }

  /** After a restart the queue holds at least the confirmed and at most the published messages. */
  private static int checkBacklogCount(NodeProcess node, History history, String context) throws Exception {
    try (ClientConnection connection = node.connect("count")) {
      Channel channel = connection.createChannel();
      channel.queueDeclare(QUEUE, true, false, false, null);
      int count = channel.queueDeclarePassive(QUEUE).getMessageCount();
      assertThat(count).as("%s: recovered message count", context)
          .isBetween(history.confirmed.size(), history.published.size());
      return count;
    }
  }

  /** Consumes the {@code count} messages the queue reported, acking them (in batches, for speed). */
  private static List<Received> drain(NodeProcess node, int count) throws Exception {
    BlockingQueue<Received> deliveries = new LinkedBlockingQueue<>();
    List<Received> received = new ArrayList<>(count);
    try (ClientConnection connection = node.connect("drain")) {
      Channel channel = connection.createChannel();
      channel.basicQos(2 * ACK_EVERY);
      channel.basicConsume(QUEUE, false, new DefaultConsumer(channel) {
        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
            throws java.io.IOException {
          deliveries.add(new Received(idOf(body), envelope.isRedeliver()));
          long deliveryTag = envelope.getDeliveryTag();
          if (deliveryTag % ACK_EVERY == 0 || deliveryTag == count) {
            channel.basicAck(deliveryTag, true);
          }
        }
      });
      while (received.size() < count) {
        Received next = deliveries.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(next).as("delivery %d of the %d messages the queue reported", received.size() + 1, count)
            .isNotNull();
        received.add(next);
      }
    }
    return received;
  }

  private static void verifyRecovered(List<Received> recovered, History history, String context) {
    List<Long> ids = recovered.stream().map(Received::id).toList();
    assertNone(context + ": duplicates", duplicates(ids));
    assertNone(context + ": out of publish order", outOfOrder(ids));
    assertNone(context + ": never published", absent(ids, history.published));
    Set<Long> present = new HashSet<>(ids);
    assertNone(context + ": confirmed but missing", absent(history.confirmed, present));
    // A delivery comes from the applied, so committed, log: a delivered message is durable even unconfirmed.
    assertNone(context + ": delivered unacked before a kill, but missing", absent(history.held, present));
    assertNone(context + ": delivered unacked before a kill, yet not flagged redelivered",
        recovered.stream().filter(r -> history.held.contains(r.id()) && !r.redelivered()).map(Received::id).toList());
  }

  /** Fails naming how many offenders there are and the first few (the lists can be long). */
  private static void assertNone(String what, List<?> offenders) {
    assertThat(offenders.size()).as("%s: %d, the first: %s", what, offenders.size(),
        offenders.subList(0, Math.min(20, offenders.size()))).isZero();
  }

  /** The expected ids not in {@code actual}, ascending. */
  private static List<Long> absent(Collection<Long> expected, Set<Long> actual) {
    return expected.stream().filter(id -> !actual.contains(id)).sorted().toList();
  }

  private static List<Long> duplicates(List<Long> ids) {
    Set<Long> seen = new HashSet<>();
    return ids.stream().filter(id -> !seen.add(id)).toList();
  }

  /** Each place where an id does not come after the one before it, as "previous, then id". */
  private static List<String> outOfOrder(List<Long> ids) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i < ids.size(); i++) {
      if (ids.get(i) <= ids.get(i - 1)) {
        out.add(ids.get(i - 1) + " then " + ids.get(i));
      }
    }
    return out;
  }

  private static byte[] bodyOf(long id) {
    return ByteBuffer.allocate(BODY_BYTES).putLong(id).array();
  }

  private static long idOf(byte[] body) {
    return ByteBuffer.wrap(body).getLong();
  }
}
