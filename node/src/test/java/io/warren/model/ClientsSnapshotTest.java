package io.warren.model;

import static io.warren.model.ModelDriver.message;
import static io.warren.model.ModelDriver.q;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.model.Command.Consume;
import io.warren.model.Command.DeclareQueue;
import io.warren.model.Command.Enqueue;
import io.warren.model.Command.Get;
import io.warren.model.Command.Outcome;
import io.warren.model.Command.Settle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A replica restored from its stored messages plus a {@link ClientsSnapshot} takes the same
 * decisions as the replica that never stopped: the same commands give the same replies and
 * effects on both.
 */
class ClientsSnapshotTest {
  private static final ChannelRef A = new ChannelRef(ConnectionIds.first(0, 1) + 1, 1);
  private static final ChannelRef B = new ChannelRef(ConnectionIds.first(1, 1) + 1, 1);
  private static final ChannelRef B2 = new ChannelRef(ConnectionIds.first(1, 1) + 1, 2);

  /**
   * What the partition's store keeps of each queue: its messages and which were handed out. (The
   * store keeps a watermark, the highest id handed out, which is exact for FIFO queues; for a
   * priority queue it may also mark as redelivered a message below it that was never delivered.)
   */
  private final Map<Long, Message> stored = new TreeMap<>();
  private final java.util.Set<Long> delivered = new java.util.HashSet<>();

  /**
   * Plain queues, priority queues, single active consumer, consumer priorities: everything that
   * decides who gets what must come back from the stored messages and the snapshot.
   */
  static Stream<org.junit.jupiter.params.provider.Arguments> queueKinds() {
    Arguments none = Arguments.EMPTY;
    Arguments high = Arguments.of(Map.of("x-priority", 5));
    return Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(none, none),
        org.junit.jupiter.params.provider.Arguments.of(Arguments.of(Map.of("x-max-priority", 2)), none),
        org.junit.jupiter.params.provider.Arguments.of(none, high),
        org.junit.jupiter.params.provider.Arguments.of(Arguments.of(Map.of("x-single-active-consumer", true)), high));
  }

  @ParameterizedTest
  @MethodSource("queueKinds")
  void aRestoredReplicaDecidesLikeTheOneThatNeverStopped(Arguments queueArgs, Arguments consumerBArgs) {
    Broker live = new Broker();
    live.setChanges(new Changes() {
      @Override
      public void messageAdded(QueueState queue, long id, Message message) {
        stored.put(id, message);
      }

      @Override
      public void messageRemoved(QueueState queue, long id, Message message) {
        stored.remove(id);
      }

      @Override
      public void messageDelivered(QueueState queue, long id) {
        delivered.add(id);
      }
    });
    apply(live, new DeclareQueue(q("q"), false, true, false, false, queueArgs, 0, false));
    for (int i = 0; i < 12; i++) {
      apply(live, new Enqueue(List.of(q("q")), persistent("m" + i, i % 3)));
    }
    // Two consumers round-robin with prefetch limits, one on another channel with a global limit.
    apply(live, new Command.SetChannelPrefetch(B2, 3));
    apply(live, new Consume(A, q("q"), "a", false, false, 2, 100, Arguments.EMPTY));
    apply(live, new Consume(B, q("q"), "b", false, false, 3, 100, consumerBArgs));
    apply(live, new Consume(B2, q("q"), "c", false, false, 0, 100, Arguments.EMPTY));
    // A requeue (comes back redelivered), an ack, a basic.get, and a cancelled consumer whose
    // delivery is still held, with its tag in use again.
    apply(live, new Settle(A, q("q"), Outcome.REQUEUE, new long[] {firstHeld(live, "a")}));
    apply(live, new Settle(B, q("q"), Outcome.ACK, new long[] {firstHeld(live, "b")}));
    apply(live, new Command.Cancel(A, "a"));
    apply(live, new Get(A, q("q"), false));
    apply(live, new Consume(A, q("q"), "a", false, false, 1, 100, Arguments.EMPTY));

    ClientsSnapshot snapshot = live.exportClients();
    Broker restored = new Broker();
    apply(restored, new DeclareQueue(q("q"), false, true, false, false, queueArgs, 0, false));
    stored.forEach((id, m) -> restored.restoreMessage(q("q"), id, m, delivered.contains(id)));
    restored.restoreNextMessageId(live.nextMessageId());
    restored.restoreClients(snapshot);

    assertThat(restored.exportClients()).isEqualTo(snapshot);
    List<Command> next = new ArrayList<>();
    next.add(new Settle(A, q("q"), Outcome.ACK, allIds()));
    next.add(new Settle(B, q("q"), Outcome.REQUEUE, allIds()));
    next.add(new Enqueue(List.of(q("q")), persistent("late", 2)));
    next.add(new Command.CloseChannel(B2));
    next.add(new Command.Credit(B, "b", 5));
    next.add(new Settle(B, q("q"), Outcome.ACK, allIds()));
    next.add(new Command.CloseConnection(A.connection()));
    for (Command c : next) {
      assertThat(describe(apply(restored, c))).as("after %s", c).isEqualTo(describe(apply(live, c)));
    }
    assertThat(restored.queue(q("q")).orElseThrow().readyIds()).isEqualTo(live.queue(q("q")).orElseThrow().readyIds());
  }

  private static long firstHeld(Broker broker, String tag) {
    return broker.exportClients().queues().get(0).held().stream()
        .filter(h -> h.consumer() != null)
        .findFirst().orElseThrow().id();
  }

  private static long[] allIds() {
    long[] ids = new long[40];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    return ids;
  }

  /** A result as comparable text: the reply and every effect with the message body. */
  private static String describe(Result r) {
    StringBuilder s = new StringBuilder(r.reply().toString());
    for (Effect e : r.effects()) {
      s.append(" | ");
      if (e instanceof Effect.Deliver d) {
        s.append(d.channel()).append(' ').append(d.consumerTag()).append(' ').append(d.messageId()).append(' ')
            .append(d.redelivered()).append(' ').append(new String(d.message().body().bytes(), StandardCharsets.UTF_8));
      } else {
        s.append(e);
      }
    }
    return s.toString();
  }

  private static Message persistent(String body, int priority) {
    Message m = message("", "", body);
    return new Message(m.exchange(), m.routingKey(), m.properties(), m.body(), m.headers(), true, null, priority);
  }

  private static Result apply(Broker broker, Command c) {
    return broker.apply(new Meta(0, 0), c);
  }
}
