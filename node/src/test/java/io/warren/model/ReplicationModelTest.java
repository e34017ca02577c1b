package io.warren.model;

import static io.warren.model.ModelDriver.body;
import static io.warren.model.ModelDriver.message;
import static io.warren.model.ModelDriver.q;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.model.Command.Consume;
import io.warren.model.Command.DeclareQueue;
import io.warren.model.Command.Enqueue;
import io.warren.model.Command.OpenConnection;
import io.warren.model.Command.Outcome;
import io.warren.model.Command.Restarted;
import io.warren.model.Command.Settle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the model offers the replication layer: stand-ins, pre-routed enqueues, restarts, change reports. */
class ReplicationModelTest {
  private static final ChannelRef CH = new ChannelRef(1, 1);

  private static DeclareQueue durable(String name) {
    return new DeclareQueue(q(name), false, true, false, false, Arguments.EMPTY, 1, false);
  }

  private static DeclareQueue transientQueue(String name) {
    return new DeclareQueue(q(name), false, false, false, false, Arguments.EMPTY, 1, false);
  }

  private static Message persistent(String body) {
    Message m = message("", "", body);
    return new Message(m.exchange(), m.routingKey(), m.properties(), m.body(), m.headers(), true);
  }

  private static Result apply(Broker broker, Command c) {
    return broker.apply(new Meta(0, 0), c);
  }

  @Test
  void aNodeBrokerForwardsPublishesForReplicatedQueuesAndKeepsTheRest() {
    Broker node = Broker.withReplicatedStandIns();
    apply(node, durable("d"));
    apply(node, transientQueue("t"));
    apply(node, new Command.Bind(new ExchangeName("/", "amq.fanout"), q("d"), "", Arguments.EMPTY, 1));
    apply(node, new Command.Bind(new ExchangeName("/", "amq.fanout"), q("t"), "", Arguments.EMPTY, 1));

    Message m = message("amq.fanout", "", "m");
    Reply reply = apply(node, new Command.Publish("/", m)).reply();

    assertThat(reply).isEqualTo(new Reply.Forward(List.of(q("d")), List.of(), true, false, m));
    assertThat(node.queue(q("d")).orElseThrow().replicated()).isTrue();
    assertThat(node.queue(q("d")).orElseThrow().readyCount()).isZero();
    assertThat(node.queue(q("t")).orElseThrow().readyCount()).isEqualTo(1);
  }

  @Test
  void aClusterNodeRelaysPublishesForQueuesHeldByOtherNodes() {
    long there = ConnectionIds.first(1, 1) + 1; // a client of node 1
    Broker node0 = Broker.forClusterNode(0);
    Broker node1 = Broker.forClusterNode(1);
    DeclareQueue reply = new DeclareQueue(q("amq.gen-r"), false, false, true, false, Arguments.EMPTY, there, true);
    apply(node1, new OpenConnection(there, "/", "guest")); // the client's own node
    for (Broker b : List.of(node0, node1)) { // the metadata group applies it on every node
      apply(b, reply);
    }

    Message answer = message("", "amq.gen-r", "answer");
    Reply routed = apply(node0, new Command.Publish("/", answer)).reply();

    assertThat(routed).isEqualTo(new Reply.Forward(List.of(), List.of(q("amq.gen-r")), false, false, answer));
    assertThat(node0.queue(q("amq.gen-r")).orElseThrow().remote()).isTrue();
    apply(node0, transientQueue("plain"));
    assertThat(node0.queue(q("plain")).orElseThrow().replicated()).as("consumable through any node").isTrue();
    Result relayed = apply(new Broker(), new Command.Relay(List.of(q("amq.gen-r")), message("", "amq.gen-r", "answer")));
    assertThat(relayed.effects()).singleElement().isInstanceOf(Effect.Relayed.class);
    Effect.Relayed r = (Effect.Relayed) relayed.effects().get(0);
    apply(node0, new Enqueue(r.queues(), r.message())); // a stand-in takes nothing
    apply(node1, new Enqueue(r.queues(), r.message()));
    assertThat(node0.queue(q("amq.gen-r")).orElseThrow().readyCount()).isZero();
    assertThat(node1.queue(q("amq.gen-r")).orElseThrow().readyCount()).isEqualTo(1);

    DeclareQueue autoDelete = new DeclareQueue(q("t"), false, false, false, true, Arguments.EMPTY, there, false);
    apply(node0, autoDelete);
    assertThat(node0.queue(q("t")).orElseThrow().replicated()).as("auto-delete, consumable through any node").isTrue();
  }

  @Test
  void withdrawAndNodeFailuresRemoveStandInsOfNonReplicatedQueues() {
    long first = ConnectionIds.first(1, 1) + 1;
    long second = ConnectionIds.first(1, 1) + 2;
    Broker node0 = Broker.forClusterNode(0);
    apply(node0, new DeclareQueue(q("a"), false, false, true, false, Arguments.EMPTY, first, true));
    apply(node0, new DeclareQueue(q("b"), false, false, false, true, Arguments.EMPTY, second, false));
    apply(node0, new DeclareQueue(q("c"), false, true, true, false, Arguments.EMPTY, second, false));
    apply(node0, durable("d"));

    apply(node0, new Command.Withdraw(q("a"), second)); // not the declaration it names: stays
    assertThat(node0.queue(q("a"))).isPresent();
    apply(node0, new Command.Withdraw(q("a"), first));
    assertThat(node0.queue(q("a"))).isEmpty();

    apply(node0, new Restarted(ConnectionIds.first(1, 2), false));
    assertThat(node0.queue(q("b"))).as("not exclusive, so replicated: outlives its declarer's node").isPresent();
    assertThat(node0.queue(q("c"))).isEmpty();
    assertThat(node0.queue(q("d"))).isPresent();
  }

  @Test
  void retainTopologyRemovesWhatASnapshotNoLongerHasAndCancelsItsConsumers() {
    Broker node = Broker.withReplicatedStandIns();
    ExchangeName kept = new ExchangeName("/", "kept");
    ExchangeName gone = new ExchangeName("/", "gone");
    for (ExchangeName x : List.of(kept, gone)) {
      apply(node, new Command.DeclareExchange(x, "fanout", false, true, false, false, Arguments.EMPTY));
    }
    apply(node, durable("d"));
    apply(node, transientQueue("t"));
    apply(node, new OpenConnection(1, "/", "guest"));
    apply(node, new Consume(CH, q("t"), "c", false, false, 0, 10, Arguments.EMPTY));
    Binding keptBinding = new Binding(kept, q("d"), "", Arguments.EMPTY);
    apply(node, new Command.Bind(kept, q("d"), "", Arguments.EMPTY, 1));
    apply(node, new Command.Bind(kept, q("t"), "", Arguments.EMPTY, 1));
    apply(node, new Command.Bind(gone, q("d"), "", Arguments.EMPTY, 1));

    List<Effect> effects = node.retainTopology(java.util.Set.of(kept), java.util.Set.of(q("d")),
        java.util.Set.of(keptBinding));

    assertThat(effects).containsExactly(new Effect.ConsumerCancelled(CH, "c", q("t")));
    assertThat(node.exchange(gone)).isEmpty();
    assertThat(node.exchange(kept)).isPresent();
    assertThat(node.exchange(new ExchangeName("/", "amq.topic"))).isPresent();
    assertThat(node.queue(q("t"))).isEmpty();
    assertThat(node.bindingsTo(q("d"))).containsExactly(keptBinding);
  }

  @Test
  void durableQueuesAreReplicatedUnlessExclusive() {
    assertThat(QueueState.isReplicated(true, false, false)).isTrue();
    assertThat(QueueState.isReplicated(true, true, false)).isFalse();
    assertThat(QueueState.isReplicated(false, false, false)).isFalse();
    assertThat(QueueState.isReplicated(false, false, true)).isTrue(); // clustered
    assertThat(QueueState.isReplicated(false, true, true)).isFalse();
  }

  @Test
  void enqueueGoesToTheNamedQueuesThatExistAndDeliversToConsumers() {
    Broker partition = new Broker();
    apply(partition, durable("a"));
    apply(partition, durable("b"));
    apply(partition, new OpenConnection(1, "/", "guest"));
    apply(partition, new Consume(CH, q("a"), "c", false, false, 0, 10, Arguments.EMPTY));

    Result r = apply(partition, new Enqueue(List.of(q("a"), q("b"), q("gone")), message("x", "k", "hello")));

    assertThat(r.reply()).isEqualTo(Reply.ROUTED);
    assertThat(r.effects()).singleElement().satisfies(e -> {
      Effect.Deliver d = (Effect.Deliver) e;
      assertThat(body(d)).isEqualTo("hello");
      assertThat(d.message().exchange()).isEqualTo("x");
    });
    assertThat(partition.queue(q("b")).orElseThrow().readyCount()).isEqualTo(1);
    assertThat(apply(partition, new Enqueue(List.of(q("gone")), message("", "", "m"))).reply())
        .isEqualTo(Reply.UNROUTED);
  }

  @Test
  void restartedReturnsWhatEarlierRunsHeldAndDropsTransientMessages() {
    Broker partition = new Broker();
    apply(partition, durable("q"));
    apply(partition, new Enqueue(List.of(q("q")), persistent("p1")));
    apply(partition, new Enqueue(List.of(q("q")), message("", "", "t1")));
    apply(partition, new Enqueue(List.of(q("q")), persistent("p2")));
    long oldConnection = 1;
    ChannelRef old = new ChannelRef(oldConnection, 1);
    Result delivered = apply(partition, new Consume(old, q("q"), "c", false, false, 1, 10, Arguments.EMPTY));
    assertThat(body((Effect.Deliver) delivered.effects().get(0))).isEqualTo("p1");

    apply(partition, new Restarted(1L << 32, true));

    QueueState queue = partition.queue(q("q")).orElseThrow();
    assertThat(queue.consumerCount()).isZero();
    assertThat(queue.unackedCount()).isZero();
    assertThat(queue.readyCount()).isEqualTo(2);
    ChannelRef fresh = new ChannelRef((1L << 32) + 1, 1);
    List<Effect> effects = apply(partition, new Consume(fresh, q("q"), "c2", true, false, 0, 10, Arguments.EMPTY))
        .effects();
    assertThat(effects).extracting(e -> body((Effect.Deliver) e)).containsExactly("p1", "p2");
    assertThat(effects).extracting(e -> ((Effect.Deliver) e).redelivered()).containsExactly(true, false);
  }

  @Test
  void restartedInAClusterClosesOnlyThatNodesEarlierConnectionsAndKeepsTransientMessages() {
    Broker partition = new Broker();
    apply(partition, durable("q"));
    apply(partition, new Enqueue(List.of(q("q")), message("", "", "t1")));
    ChannelRef otherNode = new ChannelRef(ConnectionIds.first(1, 4) + 1, 1);
    ChannelRef sameNodeOldRun = new ChannelRef(ConnectionIds.first(2, 4) + 1, 1);
    apply(partition, new Consume(otherNode, q("q"), "c1", false, false, 0, 10, Arguments.EMPTY));
    apply(partition, new Consume(sameNodeOldRun, q("q"), "c2", false, false, 0, 10, Arguments.EMPTY));

    apply(partition, new Restarted(ConnectionIds.first(2, 5), false));

    QueueState queue = partition.queue(q("q")).orElseThrow();
    assertThat(queue.consumerCount()).isEqualTo(1);
    assertThat(queue.unackedCount() + queue.readyCount()).as("the transient message stays").isEqualTo(1);
  }

  @Test
  void nodeDownReturnsWhatThatNodesConnectionsHeldAndForcesThemClosed() {
    Broker partition = new Broker();
    apply(partition, durable("q"));
    apply(partition, new Enqueue(List.of(q("q")), persistent("p1")));
    apply(partition, new Enqueue(List.of(q("q")), persistent("p2")));
    long doomed = ConnectionIds.first(2, 1) + 1;
    long survivor = ConnectionIds.first(0, 1) + 1;
    apply(partition, new Consume(new ChannelRef(doomed, 1), q("q"), "d", false, false, 0, 10, Arguments.EMPTY));

    Result down = apply(partition, new Command.NodeDown(2));
    assertThat(down.effects()).containsExactly(new Effect.ConnectionForced(doomed));

    List<Effect> effects = apply(partition,
        new Consume(new ChannelRef(survivor, 1), q("q"), "s", false, false, 0, 10, Arguments.EMPTY)).effects();
    assertThat(effects).extracting(e -> body((Effect.Deliver) e)).containsExactly("p1", "p2");
    assertThat(effects).extracting(e -> ((Effect.Deliver) e).redelivered()).containsExactly(true, true);
    assertThat(apply(partition, new Command.NodeDown(1)).effects()).as("node 1 has no connections").isEmpty();
  }

  @Test
  void restoredMessagesKeepTheirOrderAndRedeliveredFlag() {
    Broker partition = new Broker();
    apply(partition, durable("q"));
    partition.restoreMessage(q("q"), 3, persistent("a"), true);
    partition.restoreMessage(q("q"), 7, persistent("b"), false);
    partition.restoreNextMessageId(9);

    apply(partition, new Enqueue(List.of(q("q")), persistent("c")));
    List<Effect> effects = apply(partition,
        new Consume(new ChannelRef(5, 1), q("q"), "c", true, false, 0, 10, Arguments.EMPTY)).effects();

    assertThat(effects).extracting(e -> ((Effect.Deliver) e).messageId()).containsExactly(3L, 7L, 9L);
    assertThat(effects).extracting(e -> ((Effect.Deliver) e).redelivered()).containsExactly(true, false, false);
  }

  @Test
  void changesAreReportedAsTheyHappen() {
    List<String> seen = new ArrayList<>();
    Broker partition = new Broker();
    partition.setChanges(new Changes() {
      @Override
      public void queueAdded(QueueState queue) {
        seen.add("queue+ " + queue.name().name());
      }

      @Override
      public void queueRemoved(QueueState queue) {
        seen.add("queue- " + queue.name().name());
      }

      @Override
      public void messageAdded(QueueState queue, long id, Message message) {
        seen.add("msg+ " + id);
      }

      @Override
      public void messageRemoved(QueueState queue, long id, Message message) {
        seen.add("msg- " + id);
      }

      @Override
      public void messageDelivered(QueueState queue, long id) {
        seen.add("delivered " + id);
      }
    });
    apply(partition, durable("q"));
    apply(partition, new Enqueue(List.of(q("q")), persistent("a")));
    apply(partition, new Enqueue(List.of(q("q")), persistent("b")));
    apply(partition, new Enqueue(List.of(q("q")), persistent("c")));
    apply(partition, new Consume(CH, q("q"), "c", false, false, 1, 10, Arguments.EMPTY));
    apply(partition, new Settle(CH, q("q"), Outcome.ACK, new long[] {1}));
    apply(partition, new Command.PurgeQueue(q("q"), 1));
    apply(partition, new Command.DeleteQueue(q("q"), false, false, 1));

    assertThat(seen).containsExactly(
        "queue+ q", "msg+ 1", "msg+ 2", "msg+ 3",
        "delivered 1", "msg- 1", "delivered 2", // the ack frees the prefetch: 2 goes out
        "msg- 3", // purge takes the ready one
        "msg- 2", "queue- q"); // delete takes the held one
  }
}
